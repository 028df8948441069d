import type { z } from 'zod';
import { PosError } from '../../shared/api/errors';
import { isMethodName, posApiContract, type Access, type DomainContract, type PosApiContract } from '../../shared/api/contract';
import type { Result } from '../../shared/api/result';
import type { Logger } from '../system/log';
import { firstIssue } from '../../shared/validation/firstIssue';

/** What a bridge knows about the caller: the session it presented, if any. */
export interface CallContext {
  sessionToken?: string;
}

export type Role = 'cashier' | 'owner';

/** The handlers of one domain's contract slice: one function per method, typed by its schemas. */
export type HandlersFor<C extends DomainContract> = {
  [M in keyof C]: (args: z.output<C[M]['input']>, ctx: CallContext) => z.output<C[M]['output']> | Promise<z.output<C[M]['output']>>;
};

/** Every method's handler. Spreading the domains into this type fails the build if one is missing. */
export type Handlers = HandlersFor<PosApiContract>;

export interface Dispatcher {
  (method: unknown, args: unknown, ctx?: CallContext): Promise<Result<unknown>>;
}

/**
 * The single entry point every bridge calls: checks the method exists, validates the argument
 * with the contract's schema, checks the caller's role, runs the handler and wraps the outcome.
 * Nothing thrown escapes: a PosError keeps its code, anything else becomes `internal` with no
 * stack sent to the caller (it is logged here instead).
 */
export function createDispatcher(
  handlers: Handlers /** The caller's role; throws not_logged_in or session_expired. `activity`: the call restarts the idle clock. */,
  roleOf: (ctx: CallContext, activity: boolean) => Role,
  log: Logger,
): Dispatcher {
  return async (method, args, ctx = {}) => {
    try {
      if (!isMethodName(method)) {
        throw new PosError('unknown_method', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
      }
      const spec = posApiContract[method];
      const parsed = (spec.input as z.ZodType).safeParse(args ?? {});
      if (!parsed.success) {
        const { path, message } = firstIssue(parsed.error);
        const field = ['args', ...path].join('.');
        throw new PosError('validation', `${method}: ${field}: ${message}`, { field });
      }
      const access: Access = spec.access;
      if (access !== 'public') authorize(access, roleOf(ctx, !('polled' in spec && spec.polled)));
      const handler = handlers[method] as (a: unknown, c: CallContext) => unknown;
      const value = await handler(parsed.data, ctx);
      return { ok: true, value };
    } catch (e) {
      if (e instanceof PosError) return { ok: false, error: e.toApiError() };
      // Arguments are not logged: they can hold PINs and voucher tokens.
      log.error({ err: e, method: isMethodName(method) ? method : 'unknown' }, 'handler failed');
      return { ok: false, error: { code: 'internal', message: 'internal error' } };
    }
  };
}

function authorize(access: Exclude<Access, 'public'>, role: Role): void {
  if (access === 'owner' && role !== 'owner') throw new PosError('forbidden', 'this method needs the owner');
}
