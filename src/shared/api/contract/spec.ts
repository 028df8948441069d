import { z } from 'zod';

/** Who may call a method. Checked in core on every call, never only hidden in the UI. */
export type Access = 'public' | 'cashier' | 'owner';

/** One PosApi method: its argument and result schemas and the role it needs. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  access: Access;
  /**
   * Screens call this on a timer (status, print queue, settlement): such a call does not count as
   * the person's activity, so it never keeps an idle session alive.
   */
  polled?: true;
  /**
   * The method carries a file (a product list to import): the HTTP host accepts a request body up
   * to this size for it alone; every other method keeps the host's small default limit.
   */
  maxBodyBytes?: number;
}

/** A domain's slice of the contract. Each domain file declares one with `satisfies DomainContract`. */
export type DomainContract = Record<string, MethodSpec>;

export const noArgs = z.object({}).strict();
export const ok = z.object({});
