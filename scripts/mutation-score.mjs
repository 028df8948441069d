// Copies the score of the last `stryker run` (reports/mutation/mutation.json) into bench/out/latest.json
// as `mutation_score_critical`, with the modules it covers: a run of one module must not read as the
// score of them all. Score = killed ÷ (killed + survived); a timeout counts as killed, a mutant no test
// reaches as survived (Stryker's "mutation score"). Compile errors and ignored mutants are left out.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const report = JSON.parse(fs.readFileSync(path.join(root, 'reports', 'mutation', 'mutation.json'), 'utf8'));
const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
const modules = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  modules.push(file);
  for (const m of mutants) if (m.status in count) count[m.status]++;
}
const killed = count.Killed + count.Timeout;
const survived = count.Survived + count.NoCoverage;
if (killed + survived === 0) throw new Error('no mutants were tested: nothing to report');
const metric = {
  value: Math.round((1000 * killed) / (killed + survived)) / 10,
  unit: '%',
  killed,
  survived,
  modules: modules.sort(),
  measuredAt: new Date().toISOString(),
};
const file = path.join(root, 'bench', 'out', 'latest.json');
const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { metrics: {} };
previous.metrics = { ...previous.metrics, mutation_score_critical: metric };
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, `${JSON.stringify(previous, null, 2)}\n`);
process.stdout.write(`mutation_score_critical ${metric.value} % (${killed} killed, ${survived} survived) over ${modules.join(', ')}\n`);
