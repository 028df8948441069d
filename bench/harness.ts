import fs from 'node:fs';
import path from 'node:path';

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

export interface RunOptions {
  /** Names of the benches to run; all of them when empty. */
  only?: string[];
  /** The JSON results file; earlier results for other metrics in it are kept. */
  outFile: string;
  /** Where progress lines and the table go. */
  write?: (text: string) => void;
}

/**
 * Runs the benches, prints the table and writes the JSON. While it runs, a Node that ends anyway
 * (the event loop ran empty under a pending await, or someone called process.exit) exits non-zero
 * with a message instead of 0 with no table: the awaited work held no reference (an unref'd
 * child, timer or socket), so nothing was left to resume the bench.
 */
export async function runBenches(benches: Bench[], opts: RunOptions): Promise<Metric[]> {
  const write = opts.write ?? ((text: string) => process.stdout.write(text));
  const only = opts.only ?? [];
  const unknown = only.filter((name) => !benches.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')} (have ${benches.map((b) => b.name).join(', ')})`);
  let current = 'before the first bench';
  const release = guardUnfinished(() => current);
  try {
    const metrics: Metric[] = [];
    for (const b of benches.filter((b) => only.length === 0 || only.includes(b.name))) {
      current = `in bench ${b.name}`;
      write(`running ${b.name}…\n`);
      metrics.push(...(await b.run()));
    }
    current = 'writing the results';
    write(`\n${formatTable(metrics)}`);
    writeResults(opts.outFile, metrics);
    write(`\nwrote ${path.relative(process.cwd(), opts.outFile)}\n`);
    return metrics;
  } finally {
    release();
  }
}

function guardUnfinished(where: () => string): () => void {
  const fail = (why: string) => {
    process.exitCode = 1;
    process.stderr.write(`bench failed: ${why} ${where()}, before its table was printed\n`);
  };
  const onBeforeExit = () => {
    release();
    fail("Node's event loop ran empty (an await on something unref'd?)");
  };
  const onExit = () => {
    release();
    fail('the process exited');
  };
  const release = () => {
    process.off('beforeExit', onBeforeExit);
    process.off('exit', onExit);
  };
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  return release;
}

export function formatTable(metrics: Metric[]): string {
  const header = ['metric', 'value', 'unit', 'target'];
  const rows = metrics.map((m) => [m.name, String(m.value), m.unit, m.target ?? '']);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')}\n`;
}

function writeResults(file: string, metrics: Metric[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Merge with earlier results so that running one bench does not erase the others.
  const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { metrics: Record<string, unknown> }).metrics : {};
  const json = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: `${process.platform} ${process.arch}` },
    metrics: { ...previous, ...Object.fromEntries(metrics.map((m) => [m.name, { value: m.value, unit: m.unit }])) },
  };
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}
