import crypto, { type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import {
  DEVICE_HEADER,
  formatHead,
  HEAD_HEADER,
  REPLY_KEY_HEADER,
  REPLY_SIGNATURE_HEADER,
  requestSigningInput,
  SIGNATURE_HEADER,
  TIME_HEADER,
  type JournalHead,
} from '../../shared/sync/protocol';
import { sign } from '../../trust/ed25519';
import { enrollBinding, requestBinding, verifyReply } from '../../trust/replySignature';

/** Why a call to the program did not give an answer we can use. */
export class SyncFailure extends Error {
  constructor(
    /** offline: no answer (network, timeout, 5xx, a torn or unsigned reply) — safe to retry. rejected: the program said no. */
    readonly kind: 'offline' | 'rejected',
    readonly code: string,
    message: string,
    /** The program is busy (429): wait at least this long before the next attempt (its Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The longest Retry-After a till honours: as long as its own longest backoff, so no reply can stop its syncing. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `nowMs`; 30 s when missing or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number {
  const v = value?.trim() ?? '';
  let ms = 30_000;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else if (v && !Number.isNaN(Date.parse(v))) ms = Date.parse(v) - nowMs;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** The code of a reply that is not signed by the program (no signature, a wrong one, or one made for another request). */
export const UNSIGNED_REPLY = 'unsigned_reply';

export type ReplyKeys = ReadonlyMap<number, KeyObject>;

export interface ClientOptions {
  baseUrl: string;
  deviceId: () => string;
  key: () => KeyObject;
  /** The journal's head, signed into every request (the program keeps it as a checkpoint). */
  head: () => JournalHead;
  /** The program's reply keys this till trusts: those its installed manifest names. */
  replyKeys: () => ReplyKeys;
  /** The till's clock (the request's time is part of what it signs). */
  now?: () => number;
  timeoutMs?: number;
}

/**
 * Signed JSON over HTTP to the program server, and only signed answers back. Every failure becomes
 * a SyncFailure: network errors, timeouts, 5xx, replies that do not parse or validate, and replies
 * the program did not sign for this very request are "offline" (the request may or may not have
 * arrived, so everything it does is idempotent; and an answer anyone could have written is no
 * contact with the program); a signed 4xx carries the program's code. An unsigned enrollment's
 * refusals cannot be checked (the till knows no key yet) and are passed on: they store nothing.
 */
export class SyncClient {
  constructor(private readonly o: ClientOptions) {}

  async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: S,
    opts: {
      signed?: boolean;
      etag?: string;
      timeoutMs?: number;
      /** The keys to check this reply with, when they come with it (a new manifest, an enrollment); may throw. */
      replyKeys?: (value: z.output<S> | null) => ReplyKeys;
    } = {},
  ): Promise<{ status: number; value: z.output<S> | null; etag: string | null }> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.etag) headers['if-none-match'] = opts.etag;
    const signed = opts.signed !== false;
    let binding = enrollBinding(raw);
    if (signed) {
      const ts = new Date(this.o.now?.() ?? Date.now()).toISOString();
      const digest = crypto.createHash('sha256').update(raw).digest('hex');
      const head = this.o.head();
      const signature = sign(this.o.key(), Buffer.from(requestSigningInput(method, path, ts, digest, head))).toString('base64url');
      headers[DEVICE_HEADER] = this.o.deviceId();
      headers[TIME_HEADER] = ts;
      headers[HEAD_HEADER] = formatHead(head);
      headers[SIGNATURE_HEADER] = signature;
      binding = requestBinding(signature);
    }
    let res: Response;
    let bytes: Buffer;
    try {
      res = await fetch(new URL(path, this.o.baseUrl), {
        method,
        headers,
        ...(body === undefined ? {} : { body: raw }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? this.o.timeoutMs ?? 8000),
      });
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      throw new SyncFailure('offline', 'network', e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
    const etag = res.headers.get('etag');
    const signedBy = (keys: ReplyKeys) =>
      verifyReply(keys, res.headers.get(REPLY_KEY_HEADER), res.headers.get(REPLY_SIGNATURE_HEADER), {
        status: res.status,
        binding,
        etag,
        body: bytes,
      });
    const text = bytes.toString('utf8');
    if (res.status === 304) {
      if (!signedBy(opts.replyKeys?.(null) ?? this.o.replyKeys())) throw unsigned(res.status);
      return { status: 304, value: null, etag };
    }
    // Busy, not refused: the request was not taken (an intake answers 429 before any work), so it is
    // sent again, no sooner than the program asked. Signed or not, it is no contact.
    // (Too many holder-code lookups is this till's own doing, not the program's load: a refusal, below.)
    if (res.status === 429 && !isLookupThrottle(text))
      throw new SyncFailure('offline', 'overloaded', text.slice(0, 200), parseRetryAfter(res.headers.get('retry-after'), Date.now()));
    if (res.status >= 500) throw new SyncFailure('offline', `http_${res.status}`, text.slice(0, 200));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SyncFailure('offline', 'torn_reply', `unparseable reply (${res.status})`);
    }
    if (res.status >= 400) {
      const err = (json as { error?: { code?: string; message?: string } }).error;
      const code = err?.code ?? `http_${res.status}`;
      const message = err?.message ?? text.slice(0, 200);
      if (signed && !signedBy(this.o.replyKeys())) throw new SyncFailure('offline', code, `unsigned refusal: ${message}`);
      throw new SyncFailure('rejected', code, message);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SyncFailure('offline', 'bad_reply', parsed.error.message.slice(0, 200));
    if (!signedBy(opts.replyKeys?.(parsed.data) ?? this.o.replyKeys())) throw unsigned(res.status);
    return { status: res.status, value: parsed.data, etag };
  }
}

function isLookupThrottle(text: string): boolean {
  try {
    return (JSON.parse(text) as { error?: { code?: unknown } }).error?.code === 'too_many_lookups';
  } catch {
    return false;
  }
}

const unsigned = (status: number) =>
  new SyncFailure('offline', UNSIGNED_REPLY, `the reply (${status}) is not signed by the program for this request`);
