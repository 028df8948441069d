import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import crypto from 'node:crypto';
import { z } from 'zod';
import { publicKeyFromBase64url, verify } from '../../trust/ed25519';
import {
  authorizeRequestSchema,
  batchRequestSchema,
  DEVICE_HEADER,
  enrollRequestSchema,
  requestSigningInput,
  SIGNATURE_HEADER,
  TIME_HEADER,
} from '../../shared/sync/protocol';
import {
  enrollmentCodeRequestSchema,
  newMerchantSchema,
  payRequestSchema,
  statementParamsSchema,
  statementRequestSchema,
} from '../program/inputs';
import type { ProgramStore } from '../store/programStore';
import { authorize, releaseAuthorization } from '../sync/authorize';
import { noteContact } from '../sync/contacts';
import { createEnrollmentCode, createMerchant, enroll } from '../sync/enrollment';
import { ServerError } from '../sync/errors';
import { intakeBatch } from '../sync/intake';
import { approveStatement, createStatement, deviceStatus, listStatements, payStatement } from '../sync/settlement';
import { hashToken } from './operators';

export interface ProgramServerOptions {
  store: ProgramStore;
  port: number;
  host?: string;
  now?: () => Date;
}

export interface RunningProgramServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    deviceId?: string;
  }
}

/** How far a till's clock may be from the server's for a signed request to count. */
const MAX_REQUEST_SKEW_MS = 5 * 60 * 1000;

/**
 * The reference program server. Tills sign every request with their Ed25519 key (device id,
 * time, and a signature over method, path, time and the body's digest); operators use a bearer
 * token. Bodies are size-limited and validated with the shared zod schemas; errors are
 * { error: { code, message } } with a fitting status.
 */
export async function startProgramServer(o: ProgramServerOptions): Promise<RunningProgramServer> {
  const now = o.now ?? (() => new Date());
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });

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
    if (err instanceof ServerError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    if (err.statusCode === 413) return reply.code(413).send({ error: { code: 'bad_request', message: 'body too large' } });
    if (err.statusCode && err.statusCode < 500)
      return reply.code(err.statusCode).send({ error: { code: 'bad_request', message: err.message } });
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });

  const parse = <S extends z.ZodType>(schema: S, body: unknown): z.output<S> => {
    const r = schema.safeParse(body);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new ServerError('bad_request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    return r.data;
  };

  const device = async (req: FastifyRequest): Promise<string> => {
    const id = req.headers[DEVICE_HEADER];
    const ts = req.headers[TIME_HEADER];
    const sig = req.headers[SIGNATURE_HEADER];
    if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string')
      throw new ServerError('unauthorized', 'signed request headers missing');
    if (Math.abs(now().getTime() - Date.parse(ts)) > MAX_REQUEST_SKEW_MS || Number.isNaN(Date.parse(ts)))
      throw new ServerError('stale_request', 'request time too far from the server clock');
    const row = await o.store.sql.get<{ public_key: string; active: number }>(
      'SELECT public_key, active FROM devices WHERE device_id = ?',
      [id],
    );
    if (!row || row.active !== 1) throw new ServerError('unknown_device', 'this till is not enrolled');
    const digest = crypto
      .createHash('sha256')
      .update(req.rawBody ?? Buffer.alloc(0))
      .digest('hex');
    if (
      !verify(
        publicKeyFromBase64url(row.public_key),
        Buffer.from(requestSigningInput(req.method, req.url, ts, digest)),
        Buffer.from(sig, 'base64url'),
      )
    ) {
      throw new ServerError('bad_request_signature', 'request signature does not verify');
    }
    await noteContact(o.store.sql, id, now());
    return id;
  };

  const operator = async (req: FastifyRequest): Promise<void> => {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const row = token ? await o.store.sql.get('SELECT 1 AS x FROM operators WHERE token_hash = ?', [hashToken(token)]) : undefined;
    if (!row) throw new ServerError('unauthorized', 'operator credentials required');
  };

  app.post('/v1/enroll', async (req) => enroll(o.store, parse(enrollRequestSchema, req.body), now()));

  app.get('/v1/manifest', async (req, reply: FastifyReply) => {
    await device(req);
    const m = await o.store.latestManifest();
    if (!m) throw new ServerError('no_manifest', 'no manifest published');
    const etag = `"v${m.version}"`;
    reply.header('ETag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return { manifest: m.manifest, signature: m.signature };
  });

  app.post('/v1/authorize', async (req) => authorize(o.store, await device(req), parse(authorizeRequestSchema, req.body), now()));

  app.post('/v1/authorize/:id/release', async (req) => {
    const deviceId = await device(req);
    const { id } = parse(z.strictObject({ id: z.uuid() }), req.params);
    return { released: await releaseAuthorization(o.store, deviceId, id) };
  });

  app.post('/v1/batches', { bodyLimit: 16 * 1024 * 1024 }, async (req) => {
    const id = await device(req);
    return intakeBatch(o.store, id, parse(batchRequestSchema, req.body), now());
  });

  app.get('/v1/status', async (req) => {
    const deviceId = await device(req);
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

  await app.listen({ host: o.host ?? '127.0.0.1', port: o.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return { url: `http://${o.host ?? '127.0.0.1'}:${port}`, port, close: () => app.close() };
}
