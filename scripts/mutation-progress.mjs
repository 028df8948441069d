// `node scripts/mutation-progress.mjs [events dir]`: the results of a Stryker run so far, read from the
// event recorder's files (one per mutant tested, written as each is done; stryker.config.mjs turns it
// on). A whole run of every module does not fit in a working session on two cores, and Stryker writes
// its incremental file and reports only when a run ends: a run stopped early still leaves these. The
// score printed is that of the mutants tested so far, per module, with the survivors and their lines.
// It is printed only: a partial run is never copied into bench/out/latest.json.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const run = process.env.STRYKER_RUN ? `-${process.env.STRYKER_RUN.replace(/[^a-z0-9]/gi, '')}` : '';
const dir = process.argv[2] ?? path.join(root, 'reports', `mutation${run}`, 'events');
if (!fs.existsSync(dir)) {
  process.stderr.write(`no events in ${dir}: has a run started?\n`);
  process.exit(1);
}
const perModule = new Map();
let planned = 0;
for (const name of fs.readdirSync(dir).sort()) {
  const event = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  if (name.endsWith('-onMutationTestingPlanReady.json')) planned = event.mutantPlans?.filter((p) => p.plan === 'Run').length ?? 0;
  if (!name.endsWith('-onMutantTested.json')) continue;
  const file = path.relative(root, event.fileName);
  const m = perModule.get(file) ?? { killed: 0, survived: 0, survivors: [] };
  if (event.status === 'Killed' || event.status === 'Timeout') m.killed++;
  else if (event.status === 'Survived' || event.status === 'NoCoverage') {
    m.survived++;
    m.survivors.push(
      `  ${file}:${event.location.start.line}:${event.location.start.column} ${event.mutatorName} → ${JSON.stringify(event.replacement)} (${event.status})`,
    );
  }
  perModule.set(file, m);
}
const pct = (k, s) => (k + s === 0 ? '—' : `${((100 * k) / (k + s)).toFixed(1)} %`);
let killed = 0;
let survived = 0;
for (const [file, m] of [...perModule].sort()) {
  killed += m.killed;
  survived += m.survived;
  process.stdout.write(`${file}: ${pct(m.killed, m.survived)} (${m.killed} killed, ${m.survived} survived)\n`);
}
process.stdout.write(
  `so far: ${pct(killed, survived)} (${killed} killed, ${survived} survived${planned ? ` of ${planned} planned` : ''})\n`,
);
for (const m of perModule.values()) for (const s of m.survivors) process.stdout.write(`${s}\n`);
