import crypto, { type KeyObject } from 'node:crypto';
import { generateKeyPair, rawPublicKey, sign } from '../../src/trust/ed25519';
import { GENESIS_HASH, hashRecord } from '../../src/trust/chain';
import {
  batchSigningInput,
  DEVICE_HEADER,
  formatHead,
  HEAD_HEADER,
  requestSigningInput,
  SIGNATURE_HEADER,
  TIME_HEADER,
  type JournalHead,
  type JournalRecord,
} from '../../src/shared/sync/protocol';
import type { ProgramWorld } from './program';

export interface Reply {
  status: number;
  /** The Retry-After header of a 429 (the program is busy), when there is one. */
  retryAfter?: string;
  body: { results?: Array<{ id: string; status: string; reason: string | null }>; error?: { code: string; message: string } } & Record<
    string,
    unknown
  >;
}

/**
 * A till's protocol without the till: an enrolled device key that writes whatever records a test
 * wants, chains and signs them properly, and talks to the program server as a till does. This is
 * what an attacker holding a till's key can do (the review re-chained and signed its forgeries).
 */
export interface RawTill {
  deviceId: string;
  key: KeyObject;
  /** The next record on this till's chain: an offline redemption of ¥10 of books at the clock's time unless told otherwise. */
  record(fields: Partial<JournalRecord> & Pick<JournalRecord, 'voucherId'>): JournalRecord;
  /** A void of `original`, next on the chain. */
  reverse(original: JournalRecord, fields?: Partial<JournalRecord>): JournalRecord;
  upload(records: JournalRecord[], batchId?: string): Promise<Reply>;
  post(path: string, body: unknown): Promise<Reply>;
  get(path: string): Promise<Reply>;
  /** The journal head every request reports: the last record chained, unless a test says otherwise. */
  head: () => JournalHead;
}

export async function rawTill(world: ProgramWorld, merchantId = 'M1', clock: () => number = Date.now): Promise<RawTill> {
  const pair = generateKeyPair();
  const deviceId = crypto.randomUUID();
  const enrolled = await fetch(`${world.server.url}/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      code: await world.code(merchantId),
      deviceId,
      publicKey: rawPublicKey(pair.publicKey).toString('base64url'),
      name: 'raw till',
    }),
  });
  if (enrolled.status !== 200) throw new Error(`enrollment failed: ${enrolled.status} ${await enrolled.text()}`);
  let seq = 0;
  let prevHash = GENESIS_HASH;
  const chain = (r: Omit<JournalRecord, 'seq' | 'prevHash' | 'hash'>): JournalRecord => {
    const unsigned = { ...r, seq: ++seq, prevHash };
    const full = { ...unsigned, hash: hashRecord(unsigned) };
    prevHash = full.hash;
    return full;
  };
  const send = async (method: 'GET' | 'POST', path: string, body?: string): Promise<Reply> => {
    const ts = new Date(clock()).toISOString();
    const digest = crypto
      .createHash('sha256')
      .update(body ?? '')
      .digest('hex');
    const head = till.head();
    const res = await fetch(`${world.server.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        [DEVICE_HEADER]: deviceId,
        [TIME_HEADER]: ts,
        [HEAD_HEADER]: formatHead(head),
        [SIGNATURE_HEADER]: sign(pair.privateKey, Buffer.from(requestSigningInput(method, path, ts, digest, head))).toString('base64url'),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    const retryAfter = res.headers.get('retry-after');
    return { status: res.status, body: text ? (JSON.parse(text) as Reply['body']) : {}, ...(retryAfter !== null ? { retryAfter } : {}) };
  };
  const till: RawTill = {
    deviceId,
    key: pair.privateKey,
    head: () => ({ seq, hash: prevHash }),
    record: (f) => {
      const amountFen = f.amountFen ?? 1000;
      const { seq: _s, prevHash: _p, hash: _h, ...rest } = f;
      return chain({
        id: crypto.randomUUID(),
        deviceId,
        type: 'redeem',
        time: new Date(clock()).toISOString(),
        cashierId: 1,
        saleId: crypto.randomUUID(),
        campaignId: 2,
        kind: 'balance',
        amountFen,
        forfeitedFen: 0,
        categories: { books: { amountFen, quantity: 1 } },
        otherTenderFen: 0,
        authorization: 'offline',
        reverses: null,
        ...rest,
      });
    },
    reverse: (o, f = {}) => {
      const { seq: _s, prevHash: _p, hash: _h, ...rest } = o;
      return chain({ ...rest, id: crypto.randomUUID(), type: 'reverse', time: new Date(clock()).toISOString(), reverses: o.id, ...f });
    },
    upload: (records, batchId = crypto.randomUUID()) => {
      const b = { batchId, deviceId, records };
      return send(
        'POST',
        '/v1/batches',
        JSON.stringify({ ...b, signature: sign(pair.privateKey, Buffer.from(batchSigningInput(b))).toString('base64url') }),
      );
    },
    post: (path, body) => send('POST', path, JSON.stringify(body)),
    get: (path) => send('GET', path),
  };
  return till;
}
