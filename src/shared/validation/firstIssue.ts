import type { z } from 'zod';

/**
 * What a refused parse says first: where (the path, as strings) and what is wrong. Every refusal in
 * the app names one issue, the first zod found, so a message points at one field and stays short.
 */
export function firstIssue(error: z.ZodError): { path: string[]; message: string } {
  // zod reports at least one issue on every failed parse; the fallbacks only satisfy the types.
  const issue = error.issues[0];
  return { path: (issue?.path ?? []).map(String), message: issue?.message ?? 'invalid' };
}
