import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runBenches, type Bench } from './harness';
import { hostBench } from './host.bench';
import { tokenBench } from './token.bench';
import { checkoutBench } from './checkout.bench';
import { cameraBench } from './camera.bench';
import { receiptBench } from './receipt.bench';
import { syncBench } from './sync.bench';
import { backofficeBench } from './backoffice.bench';
import { dashboardBench } from './dashboard.bench';
import { catalogBench } from './catalog.bench';
import { loadBench } from './load.bench';
import { aplBench } from './apl.bench';

const root = path.resolve(import.meta.dirname, '..');
const benches: Bench[] = [
  hostBench,
  tokenBench,
  checkoutBench,
  cameraBench,
  receiptBench,
  syncBench,
  backofficeBench,
  catalogBench,
  dashboardBench,
  loadBench,
  aplBench,
];
/** Groups that run without the built app (the program server runs from source). */
const WITHOUT_BUILD = new Set(['load', 'apl']);

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const needsBuild = only.length === 0 || only.some((name) => !WITHOUT_BUILD.has(name));
  if (needsBuild && (!fs.existsSync(path.join(root, 'out/host/cli.js')) || !fs.existsSync(path.join(root, 'out/renderer/index.html')))) {
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('build failed');
  }
  await runBenches(benches, { only, outFile: path.join(root, 'bench', 'out', 'latest.json') });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
