import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/core/services';
import { seedTill } from '../helpers/seed';
import { tempDir } from '../helpers/tmp';

const ROUNDS = 50;
/** The kill moments come from this seed: `CRASH_SEED=<n>` replays a failed run's moments. */
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator, so a failing run's kill moments can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const child = path.resolve(import.meta.dirname, '../fixtures/crash-child.ts');

/** Runs the child until it is ready, lets it work for a random moment, then SIGKILLs it. */
async function killedRun(dataDir: string, tokensFile: string, offset: number, random: () => number): Promise<string[]> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, tokensFile, String(offset)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('READY\n')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
  });
  await new Promise((r) => setTimeout(r, random() * 120));
  proc.kill('SIGKILL');
  await exited;
  return out.split('\n').filter((l) => l && l !== 'READY');
}

describe('crash safety', () => {
  const t = tempDir('caretill-crash-');
  const tokensFile = path.join(t.dir, 'tokens.json');
  beforeAll(() => {
    const s = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'crash-test' });
    const seed = seedTill(s, [
      {
        id: 3,
        kind: 'balance',
        eligibleCategories: ['books'],
        offline: { perVoucherFen: 1_000_000, perDeviceTotalFen: 4_000_000_000, maxHoursOffline: 2000 },
      },
    ]);
    const tokens = Array.from({ length: 3000 }, () => seed.issuer.token({ campaignId: 3, kind: 'balance', faceValueFen: 1_000_000 }).token);
    fs.writeFileSync(tokensFile, JSON.stringify(tokens));
    s.close();
  });
  afterAll(() => t.cleanup());

  it(`survives ${ROUNDS} SIGKILLs at random moments with nothing lost, torn or unchained`, async () => {
    const committed = new Set<string>();
    const voided = new Set<string>();
    let offset = 0;
    let killedMidWork = 0;
    const random = prng(SEED);
    console.log(`crash safety: kill moments from CRASH_SEED=${SEED}`);
    for (let round = 0; round < ROUNDS; round++) {
      const lines = await killedRun(t.dir, tokensFile, offset, random);
      offset += 60;
      for (const l of lines) {
        const [kind, id] = l.split(' ');
        if (kind === 'C') committed.add(id!);
        if (kind === 'V') voided.add(id!);
        expect(kind, l).not.toBe('SKIP');
      }
      if (lines.length > 0) killedMidWork++;

      const s = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'crash-test' });
      try {
        // 1. the chain verifies from the first record to the last
        const chain = s.journal.verify();
        expect(chain, `round ${round} (CRASH_SEED=${SEED})`).toMatchObject({ ok: true });
        // 2. every sale the child was told succeeded is there, voided if it was told so
        const sales = s.db
          .prepare<[], { id: string; voucher_paid_fen: number; voided_at: string | null }>(
            'SELECT id, voucher_paid_fen, voided_at FROM sales',
          )
          .all();
        const byId = new Map(sales.map((x) => [x.id, x]));
        for (const id of committed) expect(byId.has(id), `sale ${id} missing after round ${round} (CRASH_SEED=${SEED})`).toBe(true);
        for (const id of voided) expect(byId.get(id)?.voided_at, `void of ${id} missing`).not.toBeNull();
        // 3. no partial sale: each has its lines and journal records, and they agree to the fen
        for (const sale of sales) {
          const lineCount = (s.db.prepare('SELECT count(*) AS n FROM sale_lines WHERE sale_id = ?').get(sale.id) as { n: number }).n;
          expect(lineCount, `sale ${sale.id} has no lines`).toBeGreaterThan(0);
          const records = s.journal.bySale(sale.id);
          const redeemed = records.filter((r) => r.type === 'redeem').reduce((a, r) => a + r.amountFen, 0);
          expect(redeemed).toBe(sale.voucher_paid_fen);
          expect(records.some((r) => r.type === 'reverse')).toBe(sale.voided_at !== null);
        }
        // 4. the derived voucher state equals what the journal says
        const drift = s.db
          .prepare(
            `SELECT v.voucher_id FROM voucher_state v
             LEFT JOIN (SELECT voucher_id, SUM(CASE type WHEN 'redeem' THEN amount_fen ELSE -amount_fen END) AS spent FROM journal GROUP BY voucher_id) j
               ON j.voucher_id = v.voucher_id
             WHERE v.spent_fen != COALESCE(j.spent, 0)`,
          )
          .all();
        expect(drift).toEqual([]);
      } finally {
        s.close();
      }
    }
    expect(committed.size).toBeGreaterThan(ROUNDS);
    expect(killedMidWork).toBeGreaterThan(ROUNDS / 2);
  }, 240_000);
});
