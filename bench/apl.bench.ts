import path from 'node:path';
import type { AplEntry } from '../src/shared/apl/apl';
import { KeyFiles } from '../src/server/program/keyFiles';
import { Program } from '../src/server/program/program';
import { aplForTill } from '../src/server/program/aplPublish';
import { openProgramStore } from '../src/server/store/programStore';
import { publicKeyFromBase64url } from '../src/trust/ed25519';
import { verifySignedApl } from '../src/trust/trustedApl';
import { ean13 } from '../tests/helpers/productFiles';
import { tempDir } from '../tests/helpers/tmp';
import { median, round, type Bench } from './harness';

const ENTRIES = 200_000;
const CHANGES = 1_000;

const CATEGORIES = ['infant_formula', 'diapers', 'baby_clothing', 'baby_care', 'books', 'toys'] as const;
const entry = (i: number): AplEntry => ({
  barcode: ean13(`69${String(i).padStart(10, '0')}`),
  category: CATEGORIES[i % CATEGORIES.length]!,
  maxUnitPriceFen: i % 4 === 0 ? 10_000 + (i % 50_000) : null,
  validFrom: i % 10 === 0 ? '2026-01-01T00:00:00+08:00' : null,
  validUntil: null,
});

/**
 * The program's approved product list (issue 11), program side: a 200,000-entry list imported
 * (stored, signed whole and as deltas), then a version with 1,000 changes (400 changed, 300 new,
 * 300 removed). Measured: the size of the signed delta a till downloads for those changes, and
 * how long the trust layer takes to verify and parse the whole 200,000-entry list (what every till
 * does before installing it; the till's own install is measured by its bench).
 */
export const aplBench: Bench = {
  name: 'apl',
  async run() {
    const t = tempDir('caretill-bench-apl-');
    const home = path.join(t.dir, 'home');
    const store = await openProgramStore(home, undefined);
    try {
      const program = new Program(store, new KeyFiles(path.join(home, 'keys')));
      await program.init('BENCH', '基准', 'Bench');
      const v1 = Array.from({ length: ENTRIES }, (_, i) => entry(i));
      const t0 = process.hrtime.bigint();
      await program.publishApl(v1, 'bench');
      const publishS = Number(process.hrtime.bigint() - t0) / 1e9;
      const v2 = v1.slice(300).map((e, i) => (i < 400 ? { ...e, category: 'daily_necessities' as const } : e));
      for (let i = 0; i < 300; i++) v2.push(entry(ENTRIES + i));
      const r = await program.publishApl(v2, 'bench');
      if (r.upserts + r.removals !== CHANGES) throw new Error(`expected ${CHANGES} changes, got ${r.upserts}+${r.removals}`);
      const delta = await aplForTill(store.sql, 1);
      const whole = await aplForTill(store.sql, 0);
      if (!delta || !whole || delta.document === whole.document) throw new Error('no delta was made');
      const wire = (s: { document: string; signature: string }) =>
        Buffer.byteLength(JSON.stringify({ document: s.document, signature: s.signature }));
      const rootKey = publicKeyFromBase64url((await store.getProgram())!.rootPublicKey);
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s0 = process.hrtime.bigint();
        const v = verifySignedApl({ document: whole.document, signature: whole.signature }, rootKey, { version: 1 });
        runs.push(Number(process.hrtime.bigint() - s0) / 1e9);
        if (!v.ok || v.value.upserts.length !== v2.length) throw new Error('the whole list did not verify');
      }
      return [
        { name: 'apl_delta_1k_kb', value: round(wire(delta) / 1024, 1), unit: 'KB', target: '≤ 100' },
        { name: 'apl_full_200k_kb', value: round(wire(whole) / 1024, 0), unit: 'KB' },
        { name: 'apl_verify_200k_s', value: round(median(runs), 3), unit: 's', target: '≤ 1' },
        { name: 'apl_publish_200k_s', value: round(publishS, 2), unit: 's' },
      ];
    } finally {
      await store.close();
      t.cleanup();
    }
  },
};
