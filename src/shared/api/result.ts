import { z } from 'zod';
import { ERROR_CODES, type ApiError } from './errors';

/** What every PosApi call returns across a process or network boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const apiErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  field: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(error: ApiError): Result<never> {
  return { ok: false, error };
}
