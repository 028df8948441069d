import type { z } from 'zod';
import { authContract } from './auth';
import { backofficeContract } from './backoffice';
import { catalogContract } from './catalog';
import { desktopContract } from './desktop';
import { printingContract } from './printing';
import { programContract } from './program';
import { salesContract } from './sales';
import type { DomainContract } from './spec';
import { systemContract } from './system';

/**
 * The PosApi contract: every method the UI may call, with zod schemas for its argument and result
 * and the role it needs. One file per domain; this one only joins them. Core implements each domain
 * in src/core/handlers/<domain>.ts; the bridges (Electron IPC, HTTP host) are generic over the
 * joined contract, so adding a method touches the domain's contract file and its handlers file.
 */
export const posApiContract = {
  ...systemContract,
  ...authContract,
  ...catalogContract,
  ...salesContract,
  ...printingContract,
  ...programContract,
  ...desktopContract,
  ...backofficeContract,
} as const satisfies DomainContract;

export type PosApiContract = typeof posApiContract;
export type MethodName = keyof PosApiContract;
export type MethodInput<M extends MethodName> = z.input<PosApiContract[M]['input']>;
export type MethodArgs<M extends MethodName> = z.output<PosApiContract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<PosApiContract[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(posApiContract, name);
}

export type { Access, DomainContract, MethodSpec } from './spec';
export * from './system';
export { journalCheckSchema, type JournalCheck } from './sales';
