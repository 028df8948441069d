import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config';

/**
 * Quickest test files first. Stryker stops a mutant's run at its first failing test (bail), so a
 * mutant a quick rule test kills is not first run through the slow HTTP suites (vitest's own order
 * is the slowest first). Only the order changes, never which tests run.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const cost = (f: TestSpecification) => {
      const key = `${f.project.name}:${path.relative(this.ctx.config.root, f.moduleId)}`;
      return cache.getFileTestResults(key)?.duration ?? cache.getFileStats(key)?.size ?? Number.MAX_SAFE_INTEGER;
    };
    return [...files].sort((a, b) => cost(a) - cost(b));
  }
}

/**
 * The vitest config Stryker runs (`npm run mutate`): the normal one less the tests that cannot run in
 * its worker threads, that run the code in child processes (where a mutant is never active), or that
 * are slow and reach the mutated modules only through paths faster tests already take. Leaving a test
 * out can only let a mutant survive, never kill one, so the score measured this way is a lower bound
 * of the score with every test.
 */
export default defineConfig({
  test: {
    ...base.test,
    exclude: [
      ...configDefaults.exclude,
      'tests/server/at-rest.test.ts', // process.umask() is not allowed in a worker thread
      'tests/unit/crash-safety.test.ts', // 50 child processes: slow, and the mutant is not active in them
      'tests/server/pg-cluster-lifecycle.test.ts', // starts and stops PostgreSQL clusters; mutates nothing here
      'tests/server/multi-process.test.ts', // program servers in child processes: the mutant is not active there
      'tests/unit/bench-harness.test.ts', // the benchmark harness in a child process
      'tests/unit/main-package.test.ts', // packaging checks in child processes
      'tests/server/faults.test.ts', // 200 randomized uploads through a faulty proxy: over a minute per run
      'tests/**/*scratch*', // someone's experiment in progress, not part of the suite
    ],
    // No PostgreSQL cluster: the store tests run on SQLite only. The mutated rules are the same code on
    // both stores (one SqlDriver interface); the PostgreSQL variants would double every server test.
    globalSetup: [],
    provide: { pgUrl: '' },
    sequence: { sequencer: QuickestFirst },
  },
});
