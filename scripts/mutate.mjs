// `npm run mutate [-- --mutate src/trust/chain.ts]`: Stryker with any arguments given, then its score
// copied into bench/out/latest.json (scripts/mutation-score.mjs). Not part of `npm test`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'stryker.cmd' : 'stryker');
const run = spawnSync(bin, ['run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
await import('./mutation-score.mjs');
