// Copies the score of the last `stryker run` (reports/mutation/mutation.json) into bench/out/latest.json
// as `mutation_score_critical`, with the score of each module and the modules it covers. Stryker's
// report holds every mutant it knows: those tested in this run and, from the incremental file, those of
// earlier runs of other modules whose code has not changed since. `complete` says whether every module
// listed in stryker.config.mjs is in it: a run of one module must not read as the score of them all.
// Score = killed ÷ (killed + survived); a timeout counts as killed, a mutant no test reaches as survived
// (Stryker's "mutation score"). Compile errors and ignored mutants are left out.
import fs from 'node:fs';
import path from 'node:path';
import config from '../stryker.config.mjs';

const root = path.resolve(import.meta.dirname, '..');
// A side run (STRYKER_RUN=name, see stryker.config.mjs) is only printed: merge it (scripts/merge-incremental.mjs) and run again to record it.
const side = process.env.STRYKER_RUN ? `-${process.env.STRYKER_RUN.replace(/[^a-z0-9]/gi, '')}` : '';
const report = JSON.parse(fs.readFileSync(path.join(root, 'reports', `mutation${side}`, 'mutation.json'), 'utf8'));
const score = (killed, survived) => Math.round((1000 * killed) / (killed + survived)) / 10;
let killed = 0;
let survived = 0;
const perModule = {};
const survivors = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  const c = { killed: 0, survived: 0 };
  for (const m of mutants) {
    if (m.status === 'Killed' || m.status === 'Timeout') c.killed++;
    else if (m.status === 'Survived' || m.status === 'NoCoverage') {
      c.survived++;
      survivors.push(`${file}:${m.location.start.line} ${m.mutatorName} (${m.status})`);
    }
  }
  if (c.killed + c.survived === 0) continue;
  killed += c.killed;
  survived += c.survived;
  perModule[file] = { value: score(c.killed, c.survived), ...c };
}
if (killed + survived === 0) throw new Error('no mutants were tested: nothing to report');
const listed = [...new Set(config.mutate.map((m) => m.replace(/:\d+-\d+$/, '')))].sort();
const missing = listed.filter((f) => !(f in perModule));
const metric = {
  value: score(killed, survived),
  unit: '%',
  killed,
  survived,
  complete: missing.length === 0,
  ...(missing.length ? { missing } : {}),
  modules: perModule,
  measuredAt: new Date().toISOString(),
};
if (!side) {
  const file = path.join(root, 'bench', 'out', 'latest.json');
  const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { metrics: {} };
  previous.metrics = { ...previous.metrics, mutation_score_critical: metric };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(previous, null, 2)}\n`);
}
for (const [f, m] of Object.entries(perModule))
  process.stdout.write(`  ${m.value.toFixed(1).padStart(5)} %  ${f} (${m.killed} killed, ${m.survived} survived)\n`);
if (survivors.length) process.stdout.write(`surviving mutants:\n${survivors.map((s) => `  ${s}`).join('\n')}\n`);
process.stdout.write(
  `mutation_score_critical ${metric.value} % (${killed} killed, ${survived} survived)${missing.length ? `; NOT measured yet: ${missing.join(', ')}` : ' over every listed module'}\n`,
);
