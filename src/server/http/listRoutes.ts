import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { proposalUploadSchema } from '../../shared/apl/apl';
import { aplForTill } from '../program/aplPublish';
import type { ReplyKey } from '../program/program';
import {
  approveBodySchema,
  decideProposal,
  listProposals,
  proposalStates,
  proposalStatusSchema,
  refuseBodySchema,
  shopListForTill,
  uploadProposals,
} from '../program/proposals';
import { campaignReport } from '../program/report';
import type { ProgramStore } from '../store/programStore';
import { ServerError } from '../sync/errors';

/** What the routes borrow from the server: the signed-request and operator checks, body parsing, the clock. */
export interface RouteKit {
  store: ProgramStore;
  replyKey: ReplyKey;
  now: () => Date;
  device(req: FastifyRequest): Promise<{ deviceId: string }>;
  operator(req: FastifyRequest): Promise<void>;
  parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S>;
}

/**
 * The lists of issue 11 over HTTP. Till routes are signed requests; their replies are signed by
 * the server's onSend hook (ETag included, so a 304 "nothing newer" is signed too).
 *
 * - GET  /v1/apl?since=N        the signed delta from version N when one was made, else the whole
 *                               newest list; ETag "apl-<version>"; 304 on If-None-Match or since = newest;
 *                               404 no_apl before the first import.
 * - GET  /v1/shop-list          this merchant's newest signed shop list; ETag "shop-<version>", 304;
 *                               404 no_shop_list until the program has decided one of its proposals.
 * - POST /v1/proposals          upload (idempotent on proposalId); 409 proposal_conflict for an id
 *                               another merchant used; answers the uploaded proposals' states.
 * - GET  /v1/proposals          this merchant's proposals' states.
 * Operator (bearer token):
 * - GET  /v1/operator/proposals[?status=pending|approved|refused][&merchant=M1]
 * - POST /v1/operator/proposals/:id/approve  { category?, priceFen? }
 * - POST /v1/operator/proposals/:id/refuse   { reason }
 * - GET  /v1/operator/reports/campaigns/:id  the campaign's transparency report
 */
export function registerListRoutes(app: FastifyInstance, k: RouteKit): void {
  app.get('/v1/apl', async (req, reply: FastifyReply) => {
    await k.device(req);
    const { since } = k.parse(
      z.object({
        since: z.coerce
          .number()
          .int()
          .nonnegative()
          .max(2 ** 31)
          .default(0),
      }),
      req.query,
    );
    const apl = await aplForTill(k.store.sql, since);
    if (!apl) throw new ServerError('no_apl', 'the program has published no approved product list yet');
    const etag = `"apl-${apl.version}"`;
    reply.header('ETag', etag);
    if (req.headers['if-none-match'] === etag || since === apl.version) return reply.code(304).send();
    return { document: apl.document, signature: apl.signature };
  });

  app.get('/v1/shop-list', async (req, reply: FastifyReply) => {
    const { deviceId } = await k.device(req);
    const list = await shopListForTill(k.store.sql, deviceId);
    if (!list) throw new ServerError('no_shop_list', 'the program has decided none of this shop’s proposals yet');
    const etag = `"shop-${list.version}"`;
    reply.header('ETag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return { document: list.document, keyId: list.keyId, signature: list.signature };
  });

  app.post('/v1/proposals', { bodyLimit: 512 * 1024 }, async (req) => {
    const { deviceId } = await k.device(req);
    return uploadProposals(k.store, deviceId, k.parse(proposalUploadSchema, req.body).proposals, k.now());
  });

  app.get('/v1/proposals', async (req) => proposalStates(k.store, (await k.device(req)).deviceId));

  app.get('/v1/operator/proposals', async (req) => {
    await k.operator(req);
    const q = k.parse(z.strictObject({ status: proposalStatusSchema.optional(), merchant: z.string().max(32).optional() }), req.query);
    return {
      proposals: await listProposals(k.store.sql, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.merchant ? { merchantId: q.merchant } : {}),
      }),
    };
  });

  const idParams = z.strictObject({ id: z.uuid() });
  app.post('/v1/operator/proposals/:id/approve', async (req) => {
    await k.operator(req);
    const { id } = k.parse(idParams, req.params);
    const body = k.parse(approveBodySchema, req.body ?? {});
    return decideProposal(k.store, k.replyKey, id, { approve: body }, k.now());
  });

  app.post('/v1/operator/proposals/:id/refuse', async (req) => {
    await k.operator(req);
    const { id } = k.parse(idParams, req.params);
    const { reason } = k.parse(refuseBodySchema, req.body);
    return decideProposal(k.store, k.replyKey, id, { refuse: { reason } }, k.now());
  });

  app.get('/v1/operator/reports/campaigns/:id', async (req) => {
    await k.operator(req);
    const { id } = k.parse(z.strictObject({ id: z.coerce.number().int().positive() }), req.params);
    return campaignReport(k.store, id);
  });
}
