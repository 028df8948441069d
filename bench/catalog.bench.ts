import { createServices } from '../src/core/services';
import { bigList, fileArg, xlsxBytes } from '../tests/helpers/productFiles';
import { seedTill } from '../tests/helpers/seed';
import { tempDir } from '../tests/helpers/tmp';
import { median, round, type Bench } from './harness';

const ROWS = 20_000;

/**
 * A shop's product list of 20,000 rows as XLSX, imported through PosApi's dispatcher as the
 * Products screen does it: decode, read the workbook, find the columns, check every row, upsert
 * in one transaction. Each run is a fresh till and a file it has not read before (no cache).
 */
export const catalogBench: Bench = {
  name: 'catalog',
  async run() {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = tempDir('caretill-bench-');
      const s = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'bench' }, { backgroundJobs: false });
      try {
        const seed = seedTill(s);
        const file = fileArg('商品.xlsx', xlsxBytes(bigList(ROWS, i * ROWS)));
        const t0 = process.hrtime.bigint();
        const r = await s.dispatch('commitImport', { file }, { sessionToken: seed.ownerSession });
        runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
        if (!r.ok || (r.value as { created: number }).created !== ROWS)
          throw new Error(`import failed: ${JSON.stringify(r).slice(0, 300)}`);
      } finally {
        s.close();
        t.cleanup();
      }
    }
    return [{ name: 'catalog_import_20k_rows_s', value: round(median(runs), 3), unit: 's', target: '≤ 2' }];
  },
};
