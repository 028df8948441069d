import { z } from 'zod';
import { posApiContract, type MethodInput, type MethodName, type MethodOutput } from './contract';
import { apiErrorSchema, type Result } from './result';

/**
 * The shape every host gives the renderer: one async function per contract method, each
 * resolving to a Result (never rejecting for an expected failure).
 */
export type PosApi = {
  [M in MethodName]: (args: MethodInput<M>) => Promise<Result<MethodOutput<M>>>;
};

/**
 * A transport moves one call and returns the raw (untrusted) envelope. `session` is the
 * signed-in user's session token, if any; core decides what it allows.
 */
export type Transport = (method: MethodName, args: unknown, session: string | undefined) => Promise<unknown>;

/**
 * Builds a PosApi over any transport. The answer is validated against the contract's output
 * schema, so a host that misbehaves (or a proxy that mangles a reply) surfaces as a clear
 * `internal` error instead of undefined values deep in the UI.
 */
export function createPosApi(transport: Transport, session: () => string | undefined = () => undefined): PosApi {
  const api: Record<string, (args: unknown) => Promise<Result<unknown>>> = {};
  for (const name of Object.keys(posApiContract) as MethodName[]) {
    const envelope = z.union([
      z.object({ ok: z.literal(true), value: posApiContract[name].output }),
      z.object({ ok: z.literal(false), error: apiErrorSchema }),
    ]);
    api[name] = async (args: unknown) => {
      let raw: unknown;
      try {
        raw = await transport(name, args ?? {}, session());
      } catch (cause) {
        return { ok: false, error: { code: 'internal', message: `transport failed: ${String(cause)}` } };
      }
      const parsed = envelope.safeParse(raw);
      if (!parsed.success) {
        return { ok: false, error: { code: 'internal', message: `malformed reply to ${name}: ${parsed.error.message}` } };
      }
      return parsed.data as Result<unknown>;
    };
  }
  return api as unknown as PosApi;
}
