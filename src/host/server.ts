import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Dispatcher } from '../core/api/dispatch';
import type { ApiError } from '../shared/api/errors';
import { posApiContract, type MethodSpec } from '../shared/api/contract';
import { API_PREFIX, SESSION_HEADER } from '../shared/api/http';
import { RENDERER_CSP } from '../shared/csp';

export interface HostOptions {
  dispatch: Dispatcher;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (out/renderer); omitted in API-only tests. */
  rendererDir?: string;
  /** Fixed token for tests; a random one is made per launch otherwise. */
  token?: string;
  /** Largest API body accepted, in bytes. */
  bodyLimit?: number;
}

export interface RunningHost {
  url: string;
  /** The address to open: url with the launch token in the fragment (never sent to a server). */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * The Node host: serves the built renderer and exposes PosApi as POST /api/<method> on
 * 127.0.0.1 only. Every API call must carry the per-launch token; requests naming another Host
 * are refused, so a web page cannot reach the till through DNS rebinding.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024, forceCloseConnections: true });
  let port = options.port;

  app.addHook('onRequest', async (req, reply) => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      return reply.code(421).type('text/plain').send('Misdirected request');
    }
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (req.url.startsWith(API_PREFIX)) {
      reply.header('Cache-Control', 'no-store');
      const presented = Buffer.from(req.headers.authorization ?? '');
      // Length check first: timingSafeEqual needs equal lengths, and the length of a random token leaks nothing.
      if (presented.length !== expected.length || !crypto.timingSafeEqual(presented, expected)) {
        return reply.code(401).send(envelopeError({ code: 'unauthorized', message: 'missing or wrong launch token' }));
      }
    } else {
      reply.header('Content-Security-Policy', RENDERER_CSP);
    }
    return undefined;
  });

  // Malformed JSON, wrong content type or an oversized body: an envelope, not fastify's default page.
  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req: FastifyRequest, reply: FastifyReply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const code = status === 500 ? 'internal' : 'bad_request';
    void reply
      .code(status)
      .send(envelopeError({ code, message: status === 500 ? 'internal error' : String(err.message ?? 'bad request') }));
  });

  const call = async (method: string, req: FastifyRequest, reply: FastifyReply) => {
    const body = req.body as { args?: unknown } | undefined | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return reply.code(400).send(envelopeError({ code: 'bad_request', message: 'body must be a JSON object {"args": …}' }));
    }
    const session = req.headers[SESSION_HEADER];
    const result = await options.dispatch(method, body.args ?? {}, typeof session === 'string' ? { sessionToken: session } : {});
    if (!result.ok && result.error.code === 'unknown_method') return reply.code(404).send(result);
    if (!result.ok && result.error.code === 'validation') return reply.code(400).send(result);
    return reply.send(result);
  };
  app.post<{ Params: { method: string } }>(`${API_PREFIX}:method`, async (req, reply) => call(req.params.method, req, reply));
  // Methods that carry a file get their own route with the larger body limit their contract declares.
  for (const [method, spec] of Object.entries(posApiContract) as Array<[string, MethodSpec]>) {
    if (spec.maxBodyBytes)
      app.post(`${API_PREFIX}${method}`, { bodyLimit: spec.maxBodyBytes }, async (req, reply) => call(method, req, reply));
  }

  app.all(`${API_PREFIX}*`, async (_req, reply) =>
    reply.code(405).send(envelopeError({ code: 'bad_request', message: 'use POST /api/<method> with a JSON body' })),
  );

  if (options.rendererDir && fs.existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'] });
  }

  await app.listen({ host: '127.0.0.1', port: options.port });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    openUrl: `${url}#token=${token}`,
    port,
    token,
    close: () => app.close(),
  };
}

function envelopeError(error: ApiError): { ok: false; error: ApiError } {
  return { ok: false, error };
}
