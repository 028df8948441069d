import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * The vitest config Stryker runs (`npm run mutate`): the normal one less the tests that cannot run in
 * its worker threads or that run the code in child processes, where a mutant is never active.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        ...configDefaults.exclude,
        'tests/server/at-rest.test.ts', // process.umask() is not allowed in a worker thread
        'tests/unit/crash-safety.test.ts', // 50 child processes: slow, and the mutant is not active in them
        'tests/server/pg-cluster-lifecycle.test.ts', // starts and stops PostgreSQL clusters; mutates nothing here
      ],
    },
  }),
);
