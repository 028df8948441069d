// `npm run coverage`: the vitest suite with V8 coverage of src/core, src/server and src/shared (the scope
// is in vitest.config.ts), then line and branch coverage copied into bench/out/latest.json as
// `coverage_lines_pct` and `coverage_branches_pct`. Not part of `npm test`. The HTML report is
// reports/coverage/index.html (kept out of git). Extra arguments go to vitest (e.g. a test file).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vitest.cmd' : 'vitest');
const run = spawnSync(bin, ['run', '--coverage', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const summaryFile = path.join(root, 'reports', 'coverage', 'coverage-summary.json');
if (!fs.existsSync(summaryFile)) process.exit(run.status ?? 1);
const { total } = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
const measuredAt = new Date().toISOString();
// A run of some test files only, or one with failing tests, is recorded as such: it is not the suite's figure.
const partial = process.argv.length > 2;
const testsPassed = run.status === 0;
const metric = (t) => ({ value: t.pct, unit: '%', covered: t.covered, total: t.total, testsPassed, partial, measuredAt });
const file = path.join(root, 'bench', 'out', 'latest.json');
const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { metrics: {} };
previous.metrics = { ...previous.metrics, coverage_lines_pct: metric(total.lines), coverage_branches_pct: metric(total.branches) };
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, `${JSON.stringify(previous, null, 2)}\n`);
process.stdout.write(
  `coverage_lines_pct ${total.lines.pct} %, coverage_branches_pct ${total.branches.pct} % (src/core, src/server, src/shared)${testsPassed ? '' : ' — with failing tests'}${partial ? ' — partial run' : ''}\n`,
);
process.exit(run.status ?? 1);
