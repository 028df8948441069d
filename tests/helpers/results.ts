import type { Result } from '../../src/shared/api/result';

/** The value of an ok Result; a failed one fails the test with its code and message. */
export const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
};

/** 'ok', or the error code: what a test about refusals compares. */
export const code = (r: Result<unknown>): string => (r.ok ? 'ok' : r.error.code);
