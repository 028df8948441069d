/**
 * A tiny benchmark harness: each bench module returns named metrics; run.ts prints a table and
 * writes bench/out/latest.json as { metrics: { name: { value, unit } } }.
 * Goals live here, never in pass/fail tests: timing on a shared 2-core machine is noisy.
 */
export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** The goal from the issue, for the printed table only. */
  target?: string;
}

export interface Bench {
  name: string;
  run(): Promise<Metric[]>;
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const median = (samples: number[]): number => percentile(samples, 50);

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
