import type { TestProject } from 'vitest/node';
import { hasPgVirtualenv, startThrowawayPostgres } from './pgCluster';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

/**
 * One throwaway PostgreSQL cluster for the whole run. DATABASE_URL wins if set. Without
 * PostgreSQL the store tests skip with a notice, except in CI, where .ci/run installs it and a
 * missing server fails the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    project.provide('pgUrl', process.env.DATABASE_URL);
    return async () => undefined;
  }
  if (!hasPgVirtualenv()) {
    if (process.env.CI) throw new Error('PostgreSQL tests are required in CI but pg_virtualenv is missing (apt-get install postgresql)');
    process.stderr.write(
      '\n*** NOTICE: PostgreSQL not installed (pg_virtualenv missing): the PostgreSQL store tests are SKIPPED. apt-get install postgresql to run them. ***\n\n',
    );
    project.provide('pgUrl', '');
    return async () => undefined;
  }
  const pg = await startThrowawayPostgres();
  project.provide('pgUrl', pg.url);
  return pg.stop;
}
