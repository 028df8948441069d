import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { enrollBinding, signReply } from '../../trust/replySignature';
import {
  authorizeRequestSchema,
  holderLookupRequestSchema,
  batchRequestSchema,
  enrollRequestSchema,
  REPLY_KEY_HEADER,
  REPLY_SIGNATURE_HEADER,
} from '../../shared/sync/protocol';
import {
  enrollmentCodeRequestSchema,
  newMerchantSchema,
  payRequestSchema,
  statementParamsSchema,
  statementRequestSchema,
} from '../program/inputs';
import type { ReplyKey } from '../program/program';
import type { ProgramStore } from '../store/programStore';
import { authorize, releaseAuthorization } from '../sync/authorize';
import { lookupHolderCode } from '../sync/holderLookup';
import { noteCheckpoint } from '../sync/checkpoints';
import { createEnrollmentCode, createMerchant, enroll } from '../sync/enrollment';
import { ServerError } from '../sync/errors';
import { intakeBatch } from '../sync/intake';
import { recordsForRecovery } from '../sync/recovery';
import { approveStatement, createStatement, deviceStatus, listStatements, payStatement } from '../sync/settlement';
import { GONE, IntakeGate, MAX_RETRY_AFTER_S, type Release } from './intakeGate';
import { registerListRoutes } from './listRoutes';
import { signedRequests } from './signedRequests';
import { ServerMetrics } from './metrics';
import { hashToken } from './operators';
import { firstIssue } from '../../shared/validation/firstIssue';

export interface ProgramServerOptions {
  store: ProgramStore;
  port: number;
  host?: string;
  now?: () => Date;
  /** The server key every reply to a till is signed with (Program.replyKey()). */
  replyKey: ReplyKey;
  /** Batch intakes this process runs at once (default 4). */
  maxConcurrentIntakes?: number;
  /**
   * Batch uploads that may wait for one of those places (default 256: open sockets, their bodies
   * unread), each at most `maxIntakeWaitMs` (default 4,000, half the till's 8 s upload timeout). One
   * more, one the line ahead would not let in within that wait at this process's pace, or one that
   * waited that long, is answered 429 with a Retry-After of its own (intakeGate.ts) before its body
   * is read, so an evening rush queues at the tills, not in memory here.
   */
  maxQueuedIntakes?: number;
  maxIntakeWaitMs?: number;
  /** The least Retry-After of that 429, in seconds (default 5). */
  retryAfterSeconds?: number;
}

export interface RunningProgramServer {
  url: string;
  port: number;
  close(): Promise<void>;
  metrics: ServerMetrics;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    /** What a signed reply to this request is bound to; set once the request itself verified. */
    replyBinding?: string;
    /** Gives back this request's place among the intakes running (once, however often called). */
    intakeDone?: Release;
  }
}

/**
 * The reference program server. Tills sign every request with their Ed25519 key (device id,
 * time, journal head, and a signature over method, path, time, the body's digest and the head);
 * the head is kept as a checkpoint (sync/checkpoints.ts). Every reply to a till's verified request
 * (and to an enrollment) is signed with the server key the manifest names, bound to that request
 * (src/trust/replySignature.ts). Operators use a bearer token. Bodies are size-limited and validated
 * with the shared zod schemas; errors are { error: { code, message } } with a fitting status.
 */
export async function startProgramServer(o: ProgramServerOptions): Promise<RunningProgramServer> {
  const now = o.now ?? (() => new Date());
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  const maxIntakes = o.maxConcurrentIntakes ?? 4;
  const retryAfter = o.retryAfterSeconds ?? 5;
  if (!Number.isInteger(maxIntakes) || maxIntakes < 1) throw new Error('maxConcurrentIntakes: a whole number from 1');
  if (!Number.isInteger(retryAfter) || retryAfter < 1 || retryAfter > MAX_RETRY_AFTER_S)
    throw new Error(`retryAfterSeconds: a whole number from 1 to ${MAX_RETRY_AFTER_S}`);
  const gate = new IntakeGate({ running: maxIntakes, waiting: o.maxQueuedIntakes ?? 256, maxWaitMs: o.maxIntakeWaitMs ?? 4000 });
  const metrics = new ServerMetrics(o.store.sql, gate);

  const started = new WeakMap<FastifyRequest, bigint>();
  app.addHook('onRequest', async (req) => {
    started.set(req, process.hrtime.bigint());
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const t0 = started.get(req);
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    if (t0 !== undefined) metrics.latency.observe({ method: req.method, route }, Number(process.hrtime.bigint() - t0) / 1e9);
  });

  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, {});
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(new ServerError('bad_request', 'body is not valid JSON'), undefined);
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof ServerError && err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
    if (err instanceof ServerError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    if (err.statusCode === 413) return reply.code(413).send({ error: { code: 'bad_request', message: 'body too large' } });
    if (err.statusCode && err.statusCode < 500)
      return reply.code(err.statusCode).send({ error: { code: 'bad_request', message: err.message } });
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });

  const parse = <S extends z.ZodType>(schema: S, body: unknown): z.output<S> => {
    const r = schema.safeParse(body);
    if (!r.success) {
      const { path, message } = firstIssue(r.error);
      throw new ServerError('bad_request', `${path.join('.') || 'body'}: ${message}`);
    }
    return r.data;
  };

  // Replies are signed last, over the bytes that go out. A request that did not verify gets an
  // unsigned answer: signing it would let anyone obtain signed refusals bound to a till's requests.
  app.addHook('onSend', async (req, reply, payload) => {
    const binding =
      req.replyBinding ?? (req.url === '/v1/enroll' && reply.statusCode === 200 ? enrollBinding(req.rawBody ?? '') : undefined);
    if (binding === undefined) return payload;
    const body =
      payload === undefined || payload === null ? Buffer.alloc(0) : typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    if (!Buffer.isBuffer(body)) return payload; // a stream: no till route sends one
    const etag = reply.getHeader('etag');
    reply.header(REPLY_KEY_HEADER, String(o.replyKey.keyId));
    reply.header(
      REPLY_SIGNATURE_HEADER,
      signReply(o.replyKey.privateKey, { status: reply.statusCode, binding, etag: typeof etag === 'string' ? etag : null, body }),
    );
    return payload;
  });

  const signed = signedRequests(o.store, now);
  const device = signed.device;

  const operator = async (req: FastifyRequest): Promise<void> => {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const row = token ? await o.store.sql.get('SELECT 1 AS x FROM operators WHERE token_hash = ?', [hashToken(token)]) : undefined;
    if (!row) throw new ServerError('unauthorized', 'operator credentials required');
  };

  app.post('/v1/enroll', async (req) => enroll(o.store, parse(enrollRequestSchema, req.body), now()));

  app.get('/v1/manifest', async (req, reply: FastifyReply) => {
    const { deviceId, head } = await device(req, { checkpoint: false });
    const m = await o.store.latestManifest();
    if (!m) throw new ServerError('no_manifest', 'no manifest published');
    // After this reply (new, or "nothing newer") the till has version m: its revocations bind every later record.
    await noteCheckpoint(o.store.sql, deviceId, head, now(), m.version);
    const etag = `"v${m.version}"`;
    reply.header('ETag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return { manifest: m.manifest, signature: m.signature };
  });

  // A till's own records back, for a till restored from a backup or a new PC (the back office's recovery).
  app.get<{ Querystring: { after?: string } }>('/v1/records', async (req) => {
    const { deviceId: id } = await device(req);
    const after = Number(req.query.after ?? '0');
    if (!Number.isInteger(after) || after < 0) throw new ServerError('bad_request', 'after: a journal seq');
    return recordsForRecovery(o.store.sql, id, after);
  });

  app.post('/v1/authorize', async (req) =>
    signed.inTillTransaction(req, (t, till) => authorize(t, till, parse(authorizeRequestSchema, req.body), now())),
  );

  // A voucher by the holder code typed off its card (issue 13, item 4): holder tickets, or none.
  app.post('/v1/vouchers/lookup', async (req) =>
    lookupHolderCode(o.store, o.replyKey, (await device(req)).deviceId, parse(holderLookupRequestSchema, req.body).holderCode, now()),
  );

  app.post('/v1/authorize/:id/release', async (req) => {
    const { deviceId } = await device(req);
    const { id } = parse(z.strictObject({ id: z.uuid() }), req.params);
    return { released: await releaseAuthorization(o.store, deviceId, id) };
  });

  // Liveness for the proxy and the service manager: this process answers and its database does.
  app.get('/healthz', async (_req, reply) => {
    try {
      await o.store.sql.get('SELECT 1 AS x');
      return { ok: true };
    } catch {
      return reply.code(503).send({ ok: false, error: { code: 'database_unreachable', message: 'the database does not answer' } });
    }
  });

  // Prometheus text format. Bound to loopback by default; the sample proxy configuration does not pass it on.
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  // A place is taken when the request arrives, before its body is read, so a refusal costs next to
  // nothing; a till waits Retry-After and sends the same batch again (idempotent on its id).
  app.post(
    '/v1/batches',
    {
      bodyLimit: 16 * 1024 * 1024,
      onRequest: async (req, reply) => {
        const release = await gate.enter((giveUp) => reply.raw.once('close', giveUp));
        // The till hung up while it waited: nobody to answer, no slot to book for it.
        if (release === GONE) {
          reply.hijack();
          reply.raw.destroy();
          return reply;
        }
        if (!release) {
          metrics.intakesRefused.inc();
          const after = gate.retryAfterSeconds(retryAfter);
          throw new ServerError('overloaded', `this server is taking ${maxIntakes} batches; send again after ${after} s`, after);
        }
        // The response's close comes in every case: answered, failed while parsing, or the till gone.
        reply.raw.once('close', release);
        req.intakeDone = release;
      },
    },
    async (req) => {
      try {
        const response = await signed.inTillTransaction(req, (t, till) => intakeBatch(t, till, parse(batchRequestSchema, req.body), now()));
        req.intakeDone?.(true);
        metrics.countRecords(response);
        return response;
      } finally {
        req.intakeDone?.();
      }
    },
  );

  app.get('/v1/status', async (req) => {
    const { deviceId } = await device(req);
    // The cursor is the time of the last change the till saw ('' at first).
    const { cursor } = parse(z.strictObject({ cursor: z.union([z.literal(''), z.iso.datetime()]).default('') }), req.query);
    return deviceStatus(o.store, deviceId, cursor);
  });

  // Operator actions (the CLI does the same directly against the store). Every body has a strict
  // schema (src/server/program/inputs.ts): a wrong field is a 400 that names it, never a 500.
  app.post('/v1/operator/merchants', async (req) => {
    await operator(req);
    const { merchantId, name } = parse(newMerchantSchema, req.body);
    await createMerchant(o.store, merchantId, name, now());
    return { merchantId, name };
  });
  app.post('/v1/operator/enrollment-codes', async (req) => {
    await operator(req);
    const { merchantId, ttlHours } = parse(enrollmentCodeRequestSchema, req.body);
    return { code: await createEnrollmentCode(o.store, merchantId, ttlHours, now()) };
  });
  app.get('/v1/operator/statements', async (req) => {
    await operator(req);
    return listStatements(o.store);
  });
  app.post('/v1/operator/statements', async (req) => {
    await operator(req);
    const { merchantId, until } = parse(statementRequestSchema, req.body);
    return { statement: await createStatement(o.store, merchantId, until ? new Date(until) : now(), now()) };
  });
  app.post('/v1/operator/statements/:id/approve', async (req) => {
    await operator(req);
    await approveStatement(o.store, parse(statementParamsSchema, req.params).id, now());
    return { ok: true };
  });
  app.post('/v1/operator/statements/:id/pay', async (req) => {
    await operator(req);
    const { id } = parse(statementParamsSchema, req.params);
    await payStatement(o.store, id, parse(payRequestSchema, req.body).reference, now());
    return { ok: true };
  });

  // The approved product list, shop proposals and lists, and the transparency report (issue 11).
  registerListRoutes(app, { store: o.store, replyKey: o.replyKey, now, device: (req) => device(req), operator, parse });

  await app.listen({ host: o.host ?? '127.0.0.1', port: o.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return { url: `http://${o.host ?? '127.0.0.1'}:${port}`, port, close: () => app.close(), metrics };
}
