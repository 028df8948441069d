import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/contract/**/*.test.ts', 'tests/server/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['tests/helpers/pgGlobalSetup.ts'],
    // `npm run coverage` (issue 16): line and branch coverage of the till's domain, the program server and
    // the shared schemas, measured together. Not part of `npm test`. Nothing in them is left out: no file
    // there is loaded only by Electron's main process, and the one file of types only
    // (src/server/store/types.ts) has no code to count.
    coverage: {
      provider: 'v8',
      include: ['src/core/**/*.ts', 'src/server/**/*.ts', 'src/shared/**/*.ts'],
      reporter: ['text-summary', 'json-summary', 'json', 'html'],
      reportsDirectory: 'reports/coverage',
      reportOnFailure: true,
    },
  },
});
