import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Bench, Metric } from './harness';
import { hostBench } from './host.bench';
import { tokenBench } from './token.bench';
import { checkoutBench } from './checkout.bench';
import { cameraBench } from './camera.bench';
import { receiptBench } from './receipt.bench';
import { syncBench } from './sync.bench';

const root = path.resolve(import.meta.dirname, '..');
const benches: Bench[] = [hostBench, tokenBench, checkoutBench, cameraBench, receiptBench, syncBench];

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(root, 'out/host/cli.js')) || !fs.existsSync(path.join(root, 'out/renderer/index.html'))) {
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('build failed');
  }
  const only = process.argv.slice(2);
  const metrics: Metric[] = [];
  for (const b of benches.filter((b) => only.length === 0 || only.includes(b.name))) {
    process.stdout.write(`running ${b.name}…\n`);
    metrics.push(...(await b.run()));
  }
  const rows = metrics.map((m) => [m.name, String(m.value), m.unit, m.target ?? '']);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['metric', 'value', 'unit', 'target'], ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(
    `\n${line(['metric', 'value', 'unit', 'target'])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`,
  );

  const outDir = path.join(root, 'bench', 'out');
  fs.mkdirSync(outDir, { recursive: true });
  // Merge with earlier results so that running one bench does not erase the others.
  const file = path.join(outDir, 'latest.json');
  const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { metrics: Record<string, unknown> }).metrics : {};
  const json = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: `${process.platform} ${process.arch}` },
    metrics: { ...previous, ...Object.fromEntries(metrics.map((m) => [m.name, { value: m.value, unit: m.unit }])) },
  };
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(root, file)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
