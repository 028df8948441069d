import crypto, { type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { DEVICE_HEADER, requestSigningInput, SIGNATURE_HEADER, TIME_HEADER } from '../../shared/sync/protocol';
import { sign } from '../../trust/ed25519';

/** Why a call to the program did not give an answer we can use. */
export class SyncFailure extends Error {
  constructor(
    /** offline: no answer (network, timeout, 5xx, a torn reply) — safe to retry. rejected: the server said no. */
    readonly kind: 'offline' | 'rejected',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  baseUrl: string;
  deviceId: () => string;
  key: () => KeyObject;
  timeoutMs?: number;
}

/**
 * Signed JSON over HTTP to the program server. Every failure becomes a SyncFailure: network
 * errors, timeouts, 5xx and replies that do not parse or validate are "offline" (the request may
 * or may not have arrived, so everything it does is idempotent); 4xx carry the server's code.
 */
export class SyncClient {
  constructor(private readonly o: ClientOptions) {}

  async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: S,
    opts: { signed?: boolean; etag?: string; timeoutMs?: number } = {},
  ): Promise<{ status: number; value: z.output<S> | null; etag: string | null }> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.etag) headers['if-none-match'] = opts.etag;
    if (opts.signed !== false) {
      const ts = new Date().toISOString();
      const digest = crypto.createHash('sha256').update(raw).digest('hex');
      headers[DEVICE_HEADER] = this.o.deviceId();
      headers[TIME_HEADER] = ts;
      headers[SIGNATURE_HEADER] = sign(this.o.key(), Buffer.from(requestSigningInput(method, path, ts, digest))).toString('base64url');
    }
    let res: Response;
    let text: string;
    try {
      res = await fetch(new URL(path, this.o.baseUrl), {
        method,
        headers,
        ...(body === undefined ? {} : { body: raw }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? this.o.timeoutMs ?? 8000),
      });
      text = await res.text();
    } catch (e) {
      throw new SyncFailure('offline', 'network', e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
    if (res.status === 304) return { status: 304, value: null, etag: res.headers.get('etag') };
    if (res.status >= 500) throw new SyncFailure('offline', `http_${res.status}`, text.slice(0, 200));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SyncFailure('offline', 'torn_reply', `unparseable reply (${res.status})`);
    }
    if (res.status >= 400) {
      const err = (json as { error?: { code?: string; message?: string } }).error;
      throw new SyncFailure('rejected', err?.code ?? `http_${res.status}`, err?.message ?? text.slice(0, 200));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SyncFailure('offline', 'bad_reply', parsed.error.message.slice(0, 200));
    return { status: res.status, value: parsed.data, etag: res.headers.get('etag') };
  }
}
