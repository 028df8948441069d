// Mutation testing of the rules money and trust depend on (issue 16): `npm run mutate`, never part of
// `npm test` (a whole run takes hours on two cores). Incremental: the result of each mutant is kept in
// mutation/stryker-incremental.json, so a second run re-tests only mutants in code or tests that changed.
// The score (killed ÷ (killed + survived), timeouts count as killed) is in the clear-text table and in
// reports/mutation/mutation.html; copy it into bench/out/latest.json as `mutation_score_critical`.
import fs from 'node:fs';
import process from 'node:process';

/** Lines of checkout.ts from the first line containing `from` to the first after it containing `to`. */
function checkoutLines(from, to) {
  const lines = fs.readFileSync('src/core/checkout/checkout.ts', 'utf8').split('\n');
  const start = lines.findIndex((l) => l.includes(from));
  const end = lines.findIndex((l, i) => i > start && l.includes(to));
  if (start < 0 || end < 0) throw new Error(`stryker.config.mjs: checkout.ts no longer has "${from}" … "${to}"`);
  return `src/core/checkout/checkout.ts:${start + 1}-${end + 1}`;
}

// STRYKER_RUN=name keeps a run's incremental file and report apart (reports/stryker-incremental-name.json,
// reports/mutation-name/), so a second run can go on beside the first; scripts/merge-incremental.mjs folds
// its results into the main incremental file afterwards.
const run = process.env.STRYKER_RUN ? `-${process.env.STRYKER_RUN.replace(/[^a-z0-9]/gi, '')}` : '';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  // `related`: only the test files that import a mutated module; per-test coverage then runs, for
  // each mutant, only the tests that reached its line.
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/trust/chain.ts',
    'src/core/journal/journal.ts',
    'src/core/checkout/allocate.ts',
    'src/core/checkout/maxflow.ts',
    'src/shared/domain/categories.ts',
    // Only the till's offline limits in checkout.ts (the quote computation and the exposure query).
    checkoutLines('private compute(', 'alloc: main, alternative };'),
    checkoutLines('private offlineExposure(', 'return row.n ?? 0;'),
    'src/core/auth/users.ts',
    'src/trust/verifyVoucher.ts',
    'src/trust/trustedManifest.ts',
    'src/server/sync/intake.ts',
    'src/server/sync/voucherRules.ts',
    'src/server/sync/offlineLimits.ts',
    'src/server/sync/authorize.ts',
    'src/server/http/operators.ts',
    'src/core/printing/render.ts',
  ],
  ignorePatterns: ['out', 'dist', 'test-results', 'playwright-report', 'reports', 'bench/out', 'data', 'program-data', '.stryker-tmp*'],
  incremental: true,
  incrementalFile: `mutation/stryker-incremental${run}.json`,
  concurrency: 2,
  timeoutMS: 10_000,
  // The first run of every related test, with per-test coverage, takes minutes on a busy two-core machine.
  dryRunTimeoutMinutes: 30,
  // event-recorder: one file per mutant as it is tested (reports/mutation/events), so a run stopped
  // before its end still says what it found: `node scripts/mutation-progress.mjs`.
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: `reports/mutation${run}/events` },
  htmlReporter: { fileName: `reports/mutation${run}/mutation.html` },
  jsonReporter: { fileName: `reports/mutation${run}/mutation.json` },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: `.stryker-tmp${run}`,
};
