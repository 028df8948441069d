import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { publicKeyFromBase64url, verify } from '../../trust/ed25519';
import { requestBinding } from '../../trust/replySignature';
import {
  DEVICE_HEADER,
  HEAD_HEADER,
  parseHead,
  requestSigningInput,
  SIGNATURE_HEADER,
  TIME_HEADER,
  type JournalHead,
} from '../../shared/sync/protocol';
import type { ProgramStore } from '../store/programStore';
import { isConcurrencyConflict, type SqlDriver } from '../store/sqlDriver';
import { noteCheckpoint } from '../sync/checkpoints';
import { CONTACT_GRAIN_MS, noteContact } from '../sync/contacts';
import { ServerError } from '../sync/errors';
import type { DeviceRow } from '../sync/deviceRow';

/** How far a till's clock may be from the server's for a signed request to count. */
export const MAX_REQUEST_SKEW_MS = 5 * 60 * 1000;

interface SignedHeaders {
  deviceId: string;
  time: string;
  signature: string;
  head: JournalHead;
}

/**
 * A till's signed request: device id, time, journal head, and a signature over method, path,
 * time, the body's digest and the head, by the till's key. Each verified request is a contact
 * (sync/contacts.ts) and its head a checkpoint (sync/checkpoints.ts); once it verified, its reply
 * is signed, bound to it (`req.replyBinding`).
 */
export function signedRequests(store: ProgramStore, now: () => Date) {
  /** The headers, and the time they claim, before anything is read from the database. */
  const headers = (req: FastifyRequest): SignedHeaders => {
    const id = req.headers[DEVICE_HEADER];
    const ts = req.headers[TIME_HEADER];
    const sig = req.headers[SIGNATURE_HEADER];
    const head = parseHead(req.headers[HEAD_HEADER]);
    if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string' || !head)
      throw new ServerError('unauthorized', 'signed request headers missing');
    if (Math.abs(now().getTime() - Date.parse(ts)) > MAX_REQUEST_SKEW_MS || Number.isNaN(Date.parse(ts)))
      throw new ServerError('stale_request', 'request time too far from the server clock');
    return { deviceId: id, time: ts, signature: sig, head };
  };

  /** Throws unless the till is enrolled and signed this very request. */
  const check = (req: FastifyRequest, h: SignedHeaders, row: { public_key: string; active: number } | undefined): void => {
    if (!row || row.active !== 1) throw new ServerError('unknown_device', 'this till is not enrolled');
    const digest = crypto
      .createHash('sha256')
      .update(req.rawBody ?? Buffer.alloc(0))
      .digest('hex');
    const input = requestSigningInput(req.method, req.url, h.time, digest, h.head);
    if (!verify(publicKeyFromBase64url(row.public_key), Buffer.from(input), Buffer.from(h.signature, 'base64url')))
      throw new ServerError('bad_request_signature', 'request signature does not verify');
    req.replyBinding = requestBinding(h.signature);
  };

  /**
   * Contacts this process stored (till → when, ms). A till's next request within the grain needs no
   * statement for its contact: the database's own check would store nothing. Only ever a saving: it
   * is remembered after a commit that stored one, and another process simply asks the database.
   */
  const stored = new Map<string, number>();
  /** Notes the request; gives the contact's time when it stored one, to remember once committed. */
  const note = async (t: SqlDriver, h: SignedHeaders, checkpoint: boolean): Promise<number | undefined> => {
    const at = now();
    const last = stored.get(h.deviceId);
    const known = last !== undefined && at.getTime() >= last && at.getTime() - last < CONTACT_GRAIN_MS;
    const contact = !known && (await noteContact(t, h.deviceId, at)) ? at.getTime() : undefined;
    if (checkpoint) await noteCheckpoint(t, h.deviceId, h.head, at);
    return contact;
  };
  const remember = (deviceId: string, at: number | undefined) => {
    if (at === undefined) return;
    if (stored.size >= 100_000) stored.clear();
    stored.set(deviceId, at);
  };

  return {
    /** The till behind a signed request, and its journal head; `checkpoint: false` when the route notes the head itself. */
    async device(req: FastifyRequest, opts: { checkpoint?: boolean } = {}): Promise<{ deviceId: string; head: JournalHead }> {
      const h = headers(req);
      check(
        req,
        h,
        await store.sql.get<{ public_key: string; active: number }>('SELECT public_key, active FROM devices WHERE device_id = ?', [
          h.deviceId,
        ]),
      );
      // One commit for both notes (one fsync, not two).
      remember(h.deviceId, await store.sql.tx((t) => note(t, h, opts.checkpoint !== false)));
      return { deviceId: h.deviceId, head: h.head };
    },

    /**
     * For the routes whose work is a transaction that starts by locking the till's row (online
     * authorization, batch intake; one till's are taken one at a time and always in the same lock
     * order): the request is verified against that locked row and its contact
     * and checkpoint noted in the same transaction, so a sale's authorization or a day's batch costs
     * one commit, not two, and four round trips fewer. A refusal rolls the work back; the notes are
     * then made on their own, as for any request that verified.
     */
    async inTillTransaction<T>(req: FastifyRequest, work: (t: SqlDriver, device: DeviceRow) => Promise<T>): Promise<T> {
      const h = headers(req);
      for (let attempt = 1; ; attempt++) {
        try {
          const done = await store.sql.tx(async (t) => {
            const row = await t.get<DeviceRow>(`SELECT * FROM devices WHERE device_id = ?${t.forUpdate}`, [h.deviceId]);
            check(req, h, row);
            const contact = await note(t, h, true);
            return { value: await work(t, row!), contact };
          });
          remember(h.deviceId, done.contact);
          return done.value;
        } catch (e) {
          // On PostgreSQL another till's batch may store the same (reused) record id, or another
          // request the same idempotency key, at the same moment: the loser fails when the winner
          // commits. Run again, it sees what the winner stored and answers accordingly.
          if (attempt < 3 && isConcurrencyConflict(e)) continue;
          if (e instanceof ServerError && req.replyBinding !== undefined) remember(h.deviceId, await store.sql.tx((t) => note(t, h, true)));
          throw e;
        }
      }
    },
  };
}
