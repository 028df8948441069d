import crypto from 'node:crypto';
import { z } from 'zod';
import {
  authorizeResponseSchema,
  holderLookupResponseSchema,
  batchResponseSchema,
  batchSigningInput,
  enrollResponseSchema,
  recoveryResponseSchema,
  type RecoveryResponse,
  isAllowedServerUrl,
  statusResponseSchema,
  type AuthorizeResponse,
  type BatchRequest,
} from '../../shared/sync/protocol';
import { signedManifestSchema, type SignedManifest } from '../../shared/voucher/manifest';
import { PosError } from '../../shared/api/errors';
import { sign } from '../../trust/ed25519';
import type { Db } from '../db/open';
import type { Journal } from '../journal/journal';
import type { SyncState } from '../../shared/api/schemas/sync';
import type { Logger } from '../system/log';
import type { SettingsStore } from '../system/settings';
import type { ManifestStore } from '../vouchers/manifestStore';
import { SyncClient, SyncFailure, UNSIGNED_REPLY } from './client';
import type { DeviceKey } from './deviceKey';
import type { ProgramLists } from '../catalog/programLists';
import { proposalStatesSchema, signedAplSchema, signedShopListSchema } from '../../shared/apl/apl';
import { checkEnrollment, pinnedReplyKeys } from './pinnedProgram';

export interface SyncDeps {
  db: Db;
  settings: SettingsStore;
  manifests: ManifestStore;
  journal: Journal;
  deviceId: () => string;
  key: DeviceKey;
  now: () => number;
  log: Logger;
  /** Records per batch. */
  batchSize?: number;
  timeoutMs?: number;
  /** The program's lists and the shop's proposals (issue 11): kept up to date with every sync. */
  lists?: ProgramLists;
}

export interface UploadProgress {
  total: number;
  done: number;
}

/** 429s in a row a till answers by coming back when told; after that it backs off as from a fault. */
const TOLD_TIMES = 5;

/**
 * The till's side of DESIGN.md §5: enrollment, manifest refresh, online authorization, the
 * outbox upload (exactly once per record, however often a batch is resent) and status pulls.
 */
export class SyncService {
  private client: SyncClient | null = null;
  private lastOk = 0;
  private lastFailed = 0;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** The till's clock (ms) before which it does not sync again: the program's last Retry-After. */
  private notBefore = 0;
  /** Failures in a row that were faults (not the program asking to be called later): the backoff's exponent. */
  private faults = 0;
  /** 429s with a time to come back, in a row: the last failure was one when this is above 0. */
  private toldInARow = 0;
  private running: Promise<void> | null = null;
  /** A second run asked for while one was under way: it starts when that one ends. */
  private next: Promise<void> | null = null;
  progress: UploadProgress | null = null;
  lastError: string | null = null;

  constructor(private readonly d: SyncDeps) {}

  serverUrl(): string | null {
    return this.d.settings.get('sync.serverUrl');
  }

  /** The demo program moved to another port on this machine: follow it (nothing else may rewrite the URL). */
  serverMoved(url: string): void {
    if (this.serverUrl() === url) return;
    if (!isAllowedServerUrl(url)) {
      this.d.log.warn({ url }, 'a program address without https (not on this machine) was not taken');
      return;
    }
    this.d.settings.set('sync.serverUrl', url);
    this.client = null;
  }

  /** What the status bar and the settlement screen show of the connection to the program. */
  state(): SyncState {
    return {
      connection: this.connection(),
      serverUrl: this.serverUrl(),
      merchantId: this.d.settings.get('program.merchantId'),
      merchantName: this.d.settings.get('program.merchantName'),
      pending: this.pending(),
      lastSyncAt: this.d.manifests.lastSyncAt(),
      lastError: this.lastError,
      progress: this.progress,
    };
  }

  /**
   * Sync in the background after a sale, a void or an enrollment. A failure is not the caller's
   * (the records wait in the outbox and the timer tries again) but it is logged.
   */
  syncSoon(reason: string): void {
    // syncNow has logged the failure itself; this line only says what started it.
    this.syncNow().catch(() => this.d.log.debug({ reason }, 'background sync did not complete'));
  }

  /** Gives a reservation back (a sale that failed or was voided). Best effort: unused holds expire on the program. */
  releaseSoon(authorizationId: string, reason: string): void {
    this.release(authorizationId).catch((err: unknown) =>
      this.d.log.warn({ err: describe(err), authorizationId, reason }, 'releasing a reservation failed'),
    );
  }

  /**
   * Enrolled: a program address, a device key, and that very key registered with the program. A
   * database restored on a new PC names the old PC's key, so the new PC is not enrolled until the
   * owner re-enrolls it (with a recovery code), even if an earlier attempt made a key.
   */
  enrolled(): boolean {
    if (this.serverUrl() === null || !this.d.key.exists()) return false;
    const registered = this.d.settings.get('sync.enrolledKey');
    return registered === null || registered === this.d.key.publicKey();
  }

  connection(): 'not_enrolled' | 'online' | 'offline' {
    if (!this.enrolled()) return 'not_enrolled';
    return this.lastOk > this.lastFailed && this.d.now() - this.lastOk < 10 * 60_000 ? 'online' : 'offline';
  }

  private api(): SyncClient {
    const url = this.serverUrl();
    if (!url) throw new SyncFailure('rejected', 'not_enrolled', 'this till is not enrolled');
    if (!isAllowedServerUrl(url)) throw new SyncFailure('rejected', 'insecure_server_url', 'the program address must use https');
    this.client ??= this.clientFor(url);
    return this.client;
  }

  private clientFor(baseUrl: string): SyncClient {
    return new SyncClient({
      baseUrl,
      deviceId: this.d.deviceId,
      key: () => this.d.key.key(),
      head: () => this.d.journal.head(),
      replyKeys: () => this.d.manifests.replyKeys(),
      now: this.d.now,
      timeoutMs: this.d.timeoutMs ?? 8000,
    });
  }

  /**
   * The offline clock ("time since last contact") restarts only here: on a reply the program
   * signed for this request (the client refuses any other). An unsigned 304 is no contact.
   */
  private async track<T>(p: Promise<T>): Promise<T> {
    try {
      const v = await p;
      this.lastOk = this.d.now();
      this.d.manifests.markSynced(new Date(this.lastOk).toISOString());
      return v;
    } catch (e) {
      if (e instanceof SyncFailure && e.kind === 'offline') this.lastFailed = this.d.now();
      throw e;
    }
  }

  /**
   * Registers this till with the program using a one-time code from the operator. The code carries
   * the program's pin (a fingerprint of its root key): a server whose root key does not match it,
   * whose manifest that key did not sign, or whose reply is not signed by a server key that
   * manifest names, is not the program, and nothing of it is kept (issue 10, item 4).
   */
  async enroll(serverUrl: string, code: string, name: string): Promise<{ merchantId: string; merchantName: string }> {
    if (this.enrolled()) throw new PosError('already_enrolled', 'this till is enrolled already');
    const parts = checkEnrollment(serverUrl, code);
    // A new PC restoring a till: the key registered with the program was the dead PC's, and the program forgets it.
    this.client = null;
    const publicKey = this.d.key.ensure();
    let r;
    try {
      r = await this.clientFor(serverUrl).call(
        'POST',
        '/v1/enroll',
        { code: parts.code, deviceId: this.d.deviceId(), publicKey, name },
        enrollResponseSchema,
        { signed: false, replyKeys: pinnedReplyKeys(parts.pin) },
      );
    } catch (e) {
      throw toPosError(e);
    }
    const v = r.value!;
    this.d.db.transaction(() => {
      this.d.manifests.setTrustAnchor(v.rootPublicKey);
      this.d.manifests.install(v.manifest);
      this.d.settings.set('program.merchantId', v.merchantId);
      this.d.settings.set('program.merchantName', v.merchantName);
      this.d.settings.set('sync.serverUrl', serverUrl);
      this.d.settings.set('sync.enrolledKey', publicKey);
    })();
    this.client = null;
    this.lastOk = this.d.now();
    this.d.manifests.markSynced(new Date(this.lastOk).toISOString());
    return { merchantId: v.merchantId, merchantName: v.merchantName };
  }

  /** `timeoutMs`: shorter than the default when a cashier is waiting for a verdict. */
  async refreshManifest(timeoutMs?: number): Promise<number | null> {
    const etag = this.d.settings.get('sync.manifestEtag');
    const opts = { ...(etag ? { etag } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
    // A new manifest is checked against the root key first: its server keys sign the very reply that carries it.
    const replyKeys = (m: SignedManifest | null) => (m ? this.d.manifests.verify(m).serverKeys : this.d.manifests.replyKeys());
    const r = await this.track(this.api().call('GET', '/v1/manifest', undefined, signedManifestSchema, { ...opts, replyKeys }));
    if (r.status === 304 || !r.value) return null;
    const installed = this.d.manifests.install(r.value);
    if (r.etag) this.d.settings.set('sync.manifestEtag', r.etag);
    return installed.version;
  }

  /**
   * Reserves an amount online, with the voucher's token as scanned as proof that the family is here.
   * Throws SyncFailure('offline') when the program cannot be reached or its answer is not signed.
   */
  async authorize(
    idempotencyKey: string,
    voucherId: string,
    campaignId: number,
    amountFen: number,
    token: string,
  ): Promise<AuthorizeResponse> {
    const r = await this.track(
      this.api().call('POST', '/v1/authorize', { idempotencyKey, voucherId, campaignId, amountFen, token }, authorizeResponseSchema, {
        timeoutMs: Math.min(3000, this.d.timeoutMs ?? 3000),
      }),
    );
    return r.value!;
  }

  /**
   * The program's lists and the shop's proposals: the APL (a delta from the version here when the
   * program has one), this shop's list, proposals not sent yet, and the program's decisions. A list
   * the program has not published yet is no failure; one that fails its checks stops the sync (the
   * till keeps what it had, and the diagnostics say why).
   */
  async syncLists(): Promise<void> {
    const lists = this.d.lists;
    if (!lists) return;
    // Nothing published yet, or a program server from before the lists (no such route): no failure.
    const absent = (e: unknown, code: string) =>
      e instanceof SyncFailure && e.kind === 'rejected' && (e.code === code || e.code === 'http_404' || e.code === 'not_found');
    const v = lists.versions();
    try {
      const etag = v.apl > 0 ? this.d.settings.get('lists.aplEtag') : null;
      const r = await this.track(this.api().call('GET', `/v1/apl?since=${v.apl}`, undefined, signedAplSchema, etag ? { etag } : {}));
      if (r.status !== 304 && r.value) {
        const installed = lists.installApl(r.value);
        this.d.log.info(installed, 'approved product list installed');
      }
      if (r.etag) this.d.settings.set('lists.aplEtag', r.etag);
    } catch (e) {
      if (!absent(e, 'no_apl')) throw e;
    }
    const merchantId = this.d.settings.get('program.merchantId');
    if (merchantId) {
      try {
        const etag = v.shop > 0 ? this.d.settings.get('lists.shopEtag') : null;
        const r = await this.track(this.api().call('GET', '/v1/shop-list', undefined, signedShopListSchema, etag ? { etag } : {}));
        if (r.status !== 304 && r.value) lists.installShopList(r.value, merchantId);
        if (r.etag) this.d.settings.set('lists.shopEtag', r.etag);
      } catch (e) {
        if (!absent(e, 'no_shop_list')) throw e;
      }
    }
    const unsent = lists.unsent();
    if (unsent.length) {
      const r = await this.track(this.api().call('POST', '/v1/proposals', { proposals: unsent }, proposalStatesSchema));
      lists.markSent(unsent.map((p) => p.proposalId));
      lists.applyStates(r.value!.proposals);
    }
    if (lists.list().some((p) => p.sent && p.status === 'pending')) {
      const r = await this.track(this.api().call('GET', '/v1/proposals', undefined, proposalStatesSchema));
      lists.applyStates(r.value!.proposals);
    }
  }

  /** Holder tickets for the vouchers under a typed holder code (issue 13, item 4); empty: none usable here. */
  async lookupHolderCode(holderCode: string): Promise<string[]> {
    const r = await this.track(
      this.api().call('POST', '/v1/vouchers/lookup', { holderCode }, holderLookupResponseSchema, {
        timeoutMs: Math.min(3000, this.d.timeoutMs ?? 3000),
      }),
    );
    return r.value!.tickets;
  }

  async release(authorizationId: string): Promise<void> {
    await this.track(
      this.api().call('POST', `/v1/authorize/${encodeURIComponent(authorizationId)}/release`, {}, z.object({ released: z.boolean() })),
    );
  }

  /** Records the program has not acknowledged yet. */
  pending(): number {
    return Math.max(0, this.d.journal.head().seq - this.acknowledgedSeq());
  }

  /** The journal seq up to which the program has answered for every record (recovery starts after it). */
  uploadedUpTo(): number {
    return this.acknowledgedSeq();
  }

  /** This till's own records as the program holds them, after `afterSeq`, page by page (recovery). */
  async ownRecords(afterSeq: number): Promise<RecoveryResponse['records']> {
    const all: RecoveryResponse['records'] = [];
    let after = afterSeq;
    for (;;) {
      const r = (await this.track(this.api().call('GET', `/v1/records?after=${after}`, undefined, recoveryResponseSchema))).value!;
      all.push(...r.records);
      if (!r.more || r.records.length === 0) return all;
      after = r.records[r.records.length - 1]!.record.seq;
    }
  }

  private acknowledgedSeq(): number {
    return (this.d.db.prepare('SELECT COALESCE(MAX(to_seq), 0) AS n FROM outbox_batches WHERE done_at IS NOT NULL').get() as { n: number })
      .n;
  }

  /** Uploads every unsent record in batches, in order; a batch that got no answer is resent as it was. */
  async upload(onProgress?: (p: UploadProgress) => void): Promise<{ accepted: number; rejected: number }> {
    const size = this.d.batchSize ?? 500;
    let accepted = 0;
    let rejected = 0;
    const total = this.pending();
    let done = 0;
    this.progress = { total, done };
    onProgress?.(this.progress);
    try {
      for (;;) {
        let batch = this.d.db
          .prepare<[], { batch_id: string; from_seq: number; to_seq: number }>(
            'SELECT batch_id, from_seq, to_seq FROM outbox_batches WHERE done_at IS NULL ORDER BY from_seq LIMIT 1',
          )
          .get();
        if (!batch) {
          const from = (this.d.db.prepare('SELECT COALESCE(MAX(to_seq), 0) AS n FROM outbox_batches').get() as { n: number }).n + 1;
          const head = this.d.journal.head().seq;
          if (from > head) break;
          batch = { batch_id: crypto.randomUUID(), from_seq: from, to_seq: Math.min(head, from + size - 1) };
          this.d.db
            .prepare('INSERT INTO outbox_batches (batch_id, from_seq, to_seq, created_at) VALUES (?, ?, ?, ?)')
            .run(batch.batch_id, batch.from_seq, batch.to_seq, new Date(this.d.now()).toISOString());
        }
        const records = this.d.journal.range(batch.from_seq, batch.to_seq - batch.from_seq + 1);
        const body: Omit<BatchRequest, 'signature'> = { batchId: batch.batch_id, deviceId: this.d.deviceId(), records };
        const signature = sign(this.d.key.key(), Buffer.from(batchSigningInput(body))).toString('base64url');
        let response;
        try {
          response = (await this.track(this.api().call('POST', '/v1/batches', { ...body, signature }, batchResponseSchema))).value!;
        } catch (e) {
          this.d.db
            .prepare('UPDATE outbox_batches SET attempts = attempts + 1, last_error = ? WHERE batch_id = ?')
            .run(e instanceof SyncFailure ? e.code : String(e), batch.batch_id);
          throw e;
        }
        const nowIso = new Date(this.d.now()).toISOString();
        this.d.db.transaction(() => {
          const put = this.d.db.prepare(
            'INSERT INTO record_status (record_id, status, reason, statement_id, updated_at) VALUES (?, ?, ?, NULL, ?) ON CONFLICT (record_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at',
          );
          for (const r of response.results) put.run(r.id, r.status, r.reason, nowIso);
          this.d.db.prepare('UPDATE outbox_batches SET done_at = ?, last_error = NULL WHERE batch_id = ?').run(nowIso, batch.batch_id);
        })();
        accepted += response.results.filter((r) => r.status === 'accepted').length;
        rejected += response.results.filter((r) => r.status === 'rejected').length;
        done += records.length;
        this.progress = { total, done };
        onProgress?.(this.progress);
      }
    } finally {
      this.progress = null;
    }
    return { accepted, rejected };
  }

  async pullStatus(): Promise<void> {
    const cursor = this.d.settings.get('sync.statusCursor');
    const r = (await this.track(this.api().call('GET', `/v1/status?cursor=${encodeURIComponent(cursor)}`, undefined, statusResponseSchema)))
      .value!;
    this.d.db.transaction(() => {
      const put = this.d.db.prepare(
        'INSERT INTO record_status (record_id, status, reason, statement_id, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, statement_id = excluded.statement_id, updated_at = excluded.updated_at',
      );
      const nowIso = new Date(this.d.now()).toISOString();
      for (const rec of r.records) put.run(rec.id, rec.status, rec.reason, rec.statementId, nowIso);
      const st = this.d.db.prepare(
        `INSERT INTO statements (statement_id, status, total_fen, record_count, period_until, created_at, approved_at, paid_at, payout_reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (statement_id) DO UPDATE SET status = excluded.status, total_fen = excluded.total_fen, record_count = excluded.record_count, approved_at = excluded.approved_at, paid_at = excluded.paid_at, payout_reference = excluded.payout_reference`,
      );
      for (const s of r.statements)
        st.run(s.statementId, s.status, s.totalFen, s.recordCount, s.periodUntil, s.createdAt, s.approvedAt, s.paidAt, s.payoutReference);
      this.d.settings.set('sync.statusCursor', r.cursor);
    })();
  }

  /** Manifest, upload, status: what the periodic timer, the "sync now" button and day close do. */
  syncNow(onProgress?: (p: UploadProgress) => void): Promise<void> {
    // A sync under way (say, the upload a sale started) may have taken its records before this
    // caller's last sale: "sync now" and day close must not end with that sale still on the till.
    // Every caller while one runs shares one more run after it; if that one fails, they get its
    // failure (the program is away: trying again at once would only fail again).
    if (this.running) {
      this.next ??= this.running.then(
        () => {
          this.next = null;
          return this.syncNow(onProgress);
        },
        (e: unknown) => {
          this.next = null;
          throw e;
        },
      );
      return this.next;
    }
    // The program asked to be left alone until then (429 Retry-After): not a new failure, no request.
    const wait = this.notBefore - this.d.now();
    if (wait > 0)
      return Promise.reject(new SyncFailure('offline', 'overloaded', `the program asked to wait ${Math.ceil(wait / 1000)} s more`, wait));
    this.running = (async () => {
      try {
        await this.refreshManifest();
        try {
          await this.syncLists();
        } catch (e) {
          // A list that fails its checks is not installed (the till keeps the one it has) and is
          // logged; the records still go up: nothing about a list may hold up the money.
          if (e instanceof SyncFailure && e.kind === 'offline') throw e;
          this.d.log.error({ err: describe(e) }, 'the program’s lists were not updated');
        }
        await this.upload(onProgress);
        await this.pullStatus();
        this.failures = 0;
        this.faults = 0;
        this.toldInARow = 0;
        this.lastError = null;
      } catch (e) {
        this.failures++;
        if (e instanceof SyncFailure && e.retryAfterMs !== undefined) {
          this.toldInARow++;
          this.notBefore = Math.max(this.notBefore, this.d.now() + e.retryAfterMs);
        } else {
          this.toldInARow = 0;
          this.faults++;
        }
        this.lastError = e instanceof SyncFailure ? e.code : e instanceof PosError ? e.code : String(e);
        this.d.log.warn({ err: describe(e), failures: this.failures, pending: this.pending() }, 'sync failed');
        throw e;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /**
   * How long to wait after a failed sync: exponential backoff with jitter (30 s … 15 min), and never
   * less than what the program's last Retry-After (429) still asks for. When the program said when
   * to come back (a busy program gives each till a time of its own), the till comes back then (at
   * least a second on), up to a fifth later at random, rather than after a backoff meant for a
   * fault: at day close that is the difference between a minute and an hour for a thousand tills'
   * uploads. Only five times in a row: a 429 that keeps coming (a proxy's own limit, a Retry-After
   * of 0) is then backed off from like a fault.
   */
  retryDelayMs(random = Math.random()): number {
    const asked = Math.max(0, this.notBefore - this.d.now());
    if (this.toldInARow > 0 && this.toldInARow <= TOLD_TIMES) return Math.max(1000, asked) * (1 + random * 0.2);
    const exponent = this.faults + Math.max(0, this.toldInARow - TOLD_TIMES);
    const backoff = Math.min(15 * 60_000, 30_000 * 2 ** Math.min(exponent, 5)) * (0.75 + random * 0.5);
    return Math.max(backoff, asked);
  }

  /** Every few minutes while enrolled; after failures, retryDelayMs(). */
  start(everyMs = 3 * 60_000): void {
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => {
        if (!this.enrolled()) return schedule(everyMs);
        this.syncNow().then(
          () => schedule(everyMs),
          () => {
            const delay = this.retryDelayMs();
            this.d.log.info({ failures: this.failures, retryInMs: Math.round(delay) }, 'next sync after backoff');
            schedule(delay);
          },
        );
      }, ms);
      this.timer.unref();
    };
    schedule(2000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/** A failure as a log field: the code and message of our own errors, the error itself otherwise. */
function describe(e: unknown): unknown {
  if (e instanceof SyncFailure) return { kind: e.kind, code: e.code, message: e.message };
  if (e instanceof PosError) return { code: e.code, message: e.message };
  return e;
}

export function toPosError(e: unknown): PosError {
  if (e instanceof PosError) return e;
  if (e instanceof SyncFailure) {
    if (e.kind === 'offline' && e.code === UNSIGNED_REPLY) return new PosError('program_reply_unsigned', e.message);
    if (e.kind === 'offline') return new PosError('program_unreachable', e.message);
    const known = ['enroll_code_unknown', 'enroll_code_used', 'enroll_code_expired', 'device_exists', 'no_manifest'] as const;
    const code = (known as readonly string[]).includes(e.code) ? (e.code as (typeof known)[number]) : 'program_refused';
    return new PosError(code, e.message, { params: { code: e.code } });
  }
  return new PosError('internal', String(e));
}
