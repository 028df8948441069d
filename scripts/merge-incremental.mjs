// `node scripts/merge-incremental.mjs NAME`: folds the results of a side run (STRYKER_RUN=NAME npm run mutate …,
// see stryker.config.mjs) into reports/stryker-incremental.json, so the next ordinary run reuses them
// and reports every module. A module in both takes the side run's results.
import fs from 'node:fs';
import path from 'node:path';

const name = (process.argv[2] ?? '').replace(/[^a-z0-9]/gi, '');
if (!name) throw new Error('usage: node scripts/merge-incremental.mjs NAME');
const dir = path.resolve(import.meta.dirname, '..', 'mutation');
const mainFile = path.join(dir, 'stryker-incremental.json');
const side = JSON.parse(fs.readFileSync(path.join(dir, `stryker-incremental-${name}.json`), 'utf8'));
const main = fs.existsSync(mainFile) ? JSON.parse(fs.readFileSync(mainFile, 'utf8')) : { ...side, files: {}, testFiles: {} };
main.files = { ...main.files, ...side.files };
main.testFiles = { ...(main.testFiles ?? {}), ...(side.testFiles ?? {}) };
fs.writeFileSync(mainFile, JSON.stringify(main, null, 2));
process.stdout.write(`merged ${Object.keys(side.files).join(', ')} into ${path.relative(process.cwd(), mainFile)}\n`);
