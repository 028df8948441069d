import * as XLSX from '@e965/xlsx';
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AplEntry } from '../../src/shared/apl/apl';
import {
  DEVICE_HEADER,
  formatHead,
  HEAD_HEADER,
  REPLY_SIGNATURE_HEADER,
  requestSigningInput,
  SIGNATURE_HEADER,
  TIME_HEADER,
} from '../../src/shared/sync/protocol';
import type { JournalRecord } from '../../src/shared/sync/protocol';
import { createOperatorToken } from '../../src/server/http/operators';
import { campaignReport, reportWorkbook } from '../../src/server/program/report';
import { hashRecord } from '../../src/trust/chain';
import { publicKeyFromBase64url, sign } from '../../src/trust/ed25519';
import { applyApl, verifySignedApl, verifySignedShopList } from '../../src/trust/trustedApl';
import { ean13 } from '../helpers/productFiles';
import { programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill, type RawTill } from '../helpers/rawTill';

const FORMULA = ean13('690275400101');
const DIAPERS = ean13('690275400201');
const SHOES = ean13('690275400302'); // never listed
const WIPES = ean13('690275400402'); // listed from version 2 on
const BEER = ean13('690275409902');

const entry = (barcode: string, category: AplEntry['category'], maxUnitPriceFen: number | null = null): AplEntry => ({
  barcode,
  category,
  maxUnitPriceFen,
  validFrom: null,
  validUntil: null,
});
const V1 = [entry(FORMULA, 'infant_formula', 30_000), entry(DIAPERS, 'diapers'), entry(BEER, 'baby_care')];

describe.each(STORES)('the approved product list, proposals and item lines on $name', (kind) => {
  let world: ProgramWorld;
  let till: RawTill;
  let other: RawTill;
  let token: string;
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    world = await programWorld(kind);
    till = await rawTill(world, 'M1');
    other = await rawTill(world, 'M2');
    token = await createOperatorToken(world.store, 'ops');
  });
  afterEach(async () => {
    await world?.close();
  });

  const rootKey = async () => publicKeyFromBase64url((await world.store.getProgram())!.rootPublicKey);
  /** A signed GET with headers of the test's choosing (If-None-Match). */
  const signedGet = async (t: RawTill, p: string, headers: Record<string, string> = {}) => {
    const ts = new Date().toISOString();
    const head = t.head();
    const digest = crypto.createHash('sha256').update('').digest('hex');
    const res = await fetch(`${world.server.url}${p}`, {
      headers: {
        [DEVICE_HEADER]: t.deviceId,
        [TIME_HEADER]: ts,
        [HEAD_HEADER]: formatHead(head),
        [SIGNATURE_HEADER]: sign(t.key, Buffer.from(requestSigningInput('GET', p, ts, digest, head))).toString('base64url'),
        ...headers,
      },
    });
    const text = await res.text();
    return {
      status: res.status,
      etag: res.headers.get('etag'),
      signed: res.headers.has(REPLY_SIGNATURE_HEADER),
      body: text ? JSON.parse(text) : null,
    };
  };
  const op = async (method: 'GET' | 'POST', p: string, body?: unknown) => {
    const res = await fetch(`${world.server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads the reply's fields freely
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('serves the signed list with an ETag, a delta from the version a till has, and 304 when it is current', async () => {
    expect((await signedGet(till, '/v1/apl')).body.error.code).toBe('no_apl');
    expect((await world.program.publishApl(V1)).version).toBe(1);
    const full = await signedGet(till, '/v1/apl');
    expect(full.status).toBe(200);
    expect(full.etag).toBe('"apl-1"');
    const v1 = verifySignedApl(full.body, await rootKey(), null, { programId: 'TEST' });
    expect(v1.ok).toBe(true);
    const installed = applyApl(null, v1.ok ? v1.value : (null as never));
    expect((await signedGet(till, '/v1/apl?since=1')).status).toBe(304);
    const unchanged = await signedGet(till, '/v1/apl', { 'if-none-match': '"apl-1"' });
    expect(unchanged.status).toBe(304);
    expect(unchanged.signed).toBe(true);

    await world.program.publishApl([...V1.slice(0, 2), entry(WIPES, 'baby_care')]);
    const delta = await signedGet(till, '/v1/apl?since=1');
    expect(delta.etag).toBe('"apl-2"');
    const v2 = verifySignedApl(delta.body, await rootKey(), { version: 1 });
    expect(v2.ok && v2.value.base).toBe(1);
    expect(v2.ok && v2.value.upserts.map((e) => e.barcode)).toEqual([WIPES]);
    expect(v2.ok && v2.value.removals).toEqual([BEER]);
    const after = applyApl(installed, v2.ok ? v2.value : (null as never));
    expect([...after.keys()].sort()).toEqual([FORMULA, DIAPERS, WIPES].sort());
    // A till that has nothing, or a version without a delta, gets the whole list; an old one is refused by the till.
    const whole = await signedGet(till, '/v1/apl?since=0');
    expect(verifySignedApl(whole.body, await rootKey(), null).ok).toBe(true);
    const rollback = verifySignedApl(full.body, await rootKey(), { version: 2 });
    expect(rollback.ok ? 'installed' : rollback.refusal).toBe('not_newer');
    expect(verifySignedApl(delta.body, await rootKey(), { version: 2 }).ok).toBe(false);
  });

  it('takes proposals, lets the operator approve or refuse them, and signs the shop’s list', async () => {
    const haircut = {
      proposalId: crypto.randomUUID(),
      barcode: null,
      name: '儿童理发',
      priceFen: 2000,
      category: 'haircut',
      unit: '次',
      note: '12岁以下',
      proposedAt: new Date().toISOString(),
    };
    const shoes = {
      proposalId: crypto.randomUUID(),
      barcode: SHOES,
      name: '婴儿学步鞋',
      priceFen: 7900,
      category: 'baby_clothing',
      unit: null,
      note: null,
      proposedAt: new Date().toISOString(),
    };
    const up = await till.post('/v1/proposals', { proposals: [haircut, shoes] });
    expect(up.status).toBe(200);
    expect((up.body.proposals as Array<{ status: string }>).map((p) => p.status)).toEqual(['pending', 'pending']);
    expect((await till.post('/v1/proposals', { proposals: [haircut] })).status).toBe(200); // a resend
    const stolen = await other.post('/v1/proposals', { proposals: [haircut] });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error!.code).toBe('proposal_conflict');
    expect((await signedGet(till, '/v1/shop-list')).body.error.code).toBe('no_shop_list');

    const pending = await op('GET', '/v1/operator/proposals?status=pending');
    expect(pending.body.proposals.map((p: { name: string; merchantId: string }) => [p.name, p.merchantId]).sort()).toEqual([
      ['儿童理发', 'M1'],
      ['婴儿学步鞋', 'M1'],
    ]);
    const approved = await op('POST', `/v1/operator/proposals/${haircut.proposalId}/approve`, { priceFen: 2500 });
    expect(approved.status).toBe(200);
    expect(approved.body.shopListVersion).toBe(1);
    expect((await op('POST', `/v1/operator/proposals/${haircut.proposalId}/approve`, {})).status).toBe(409);
    expect((await op('POST', `/v1/operator/proposals/${shoes.proposalId}/refuse`, {})).status).toBe(400);
    const refused = await op('POST', `/v1/operator/proposals/${shoes.proposalId}/refuse`, { reason: '请使用认可商品清单中的条码' });
    expect(refused.body.shopListVersion).toBe(2);
    expect((await op('GET', '/v1/operator/proposals?status=pending')).body.proposals).toEqual([]);

    const list = await signedGet(till, '/v1/shop-list');
    expect(list.etag).toBe('"shop-2"');
    const keys = new Map((await world.store.serverKeys()).map((k) => [k.keyId, publicKeyFromBase64url(k.publicKey)] as const));
    const verified = verifySignedShopList(list.body, keys, 'M1', 1);
    expect(verified.ok && verified.value.entries).toEqual([
      {
        proposalId: haircut.proposalId,
        barcode: null,
        name: '儿童理发',
        priceFen: 2500,
        category: 'haircut',
        validFrom: null,
        validUntil: null,
      },
    ]);
    expect(verifySignedShopList(list.body, keys, 'M2', 0).ok).toBe(false);
    expect((await signedGet(till, '/v1/shop-list', { 'if-none-match': '"shop-2"' })).status).toBe(304);
    const states = await till.get('/v1/proposals');
    const byId = new Map(
      (states.body.proposals as Array<{ proposalId: string; status: string; reason: string | null; category: string | null }>).map((p) => [
        p.proposalId,
        p,
      ]),
    );
    expect(byId.get(haircut.proposalId)).toMatchObject({ status: 'approved', category: 'haircut', reason: null });
    expect(byId.get(shoes.proposalId)).toMatchObject({ status: 'refused', reason: '请使用认可商品清单中的条码', category: null });
    expect((await other.get('/v1/proposals')).body.proposals).toEqual([]);
  });

  describe('intake judges each line against the lists the till had', () => {
    let vouchers: string[];
    let haircutId: string;
    beforeEach(async () => {
      await world.program.createCampaign({
        names: { zh: '按名单', en: 'By the list' },
        funder: { zh: '基金会', en: 'Fund' },
        validFrom: '2026-01-01T00:00:00+08:00',
        validUntil: '2027-12-31T23:59:59+08:00',
        kind: 'balance',
        eligibleCategories: ['infant_formula', 'diapers', 'haircut'],
        merchants: ['*'],
        offline: { perVoucherFen: 1_000_000, perDeviceTotalFen: 10_000_000, maxHoursOffline: 72 },
        eligibility: 'apl',
      });
      vouchers = (await world.program.issueVouchers({ campaignId: 3, count: 12, faceValueFen: 1_000_000 })).map((v) => v.voucherId);
      await world.program.publishApl(V1);
      await world.program.publishApl([...V1, entry(WIPES, 'diapers')]);
      haircutId = crypto.randomUUID();
      await till.post('/v1/proposals', {
        proposals: [
          {
            proposalId: haircutId,
            barcode: null,
            name: '儿童理发',
            priceFen: 2000,
            category: 'haircut',
            unit: null,
            note: null,
            proposedAt: new Date().toISOString(),
          },
        ],
      });
      expect((await op('POST', `/v1/operator/proposals/${haircutId}/approve`, {})).status).toBe(200);
    });

    type Line = NonNullable<JournalRecord['lines']>[number];
    const line = (code: string, category: string, unitPriceFen: number, quantity = 1, amountFen = unitPriceFen * quantity): Line => ({
      code,
      name: '商品',
      quantity,
      unitPriceFen,
      amountFen,
      category,
    });
    const onList = (i: number, lines: Line[] | undefined, extra: Partial<JournalRecord> = {}) => {
      const categories: JournalRecord['categories'] = {};
      for (const l of lines ?? []) {
        const c = (categories[l.category] ??= { amountFen: 0, quantity: 0 });
        c.amountFen += l.amountFen;
        c.quantity += l.quantity;
      }
      const amountFen = (lines ?? []).reduce((a, l) => a + l.amountFen, 0) || 1000;
      return till.record({
        voucherId: vouchers[i]!,
        campaignId: 3,
        kind: 'balance',
        amountFen,
        categories: lines ? categories : { diapers: { amountFen, quantity: 1 } },
        ...(lines ? { lines, listVersions: { apl: 2, shop: 1 } } : {}),
        ...extra,
      });
    };

    it('accepts listed lines and gives each refused line its reason', async () => {
      const good = onList(0, [
        line(FORMULA, 'infant_formula', 26_800),
        line(WIPES, 'diapers', 2990, 2),
        line(`shop:${haircutId}`, 'haircut', 2000),
      ]);
      const records = [
        good,
        onList(1, undefined), // an apl campaign needs lines
        onList(2, [line(DIAPERS, 'diapers', 8990)], { amountFen: 9000, categories: { diapers: { amountFen: 9000, quantity: 1 } } }),
        onList(3, [line(DIAPERS, 'diapers', 8990), line(SHOES, 'diapers', 7900)]), // not on the list
        onList(4, [line(BEER, 'baby_care', 650)], { categories: { baby_care: { amountFen: 650, quantity: 1 } } }), // listed, not in this campaign
        onList(5, [line(DIAPERS, 'infant_formula', 8990)]), // listed as diapers, the till said formula
        onList(6, [line(WIPES, 'diapers', 2990)], { listVersions: { apl: 1, shop: 1 } }), // not listed at the till's version
        onList(7, [line(DIAPERS, 'diapers', 8990)], { listVersions: { apl: 9, shop: 1 } }), // a version never published
        onList(8, [line('item:42', 'diapers', 500)]),
        onList(9, [line(FORMULA, 'infant_formula', 31_000)]), // above the list's ￥300
        onList(10, [line(`shop:${haircutId}`, 'haircut', 3000)]), // above the approved ￥20
        onList(11, [line(`shop:${haircutId}`, 'haircut', 2000)], { listVersions: { apl: 2, shop: 0 } }), // before the approval
      ];
      const reply = await till.upload(records);
      expect(reply.status).toBe(200);
      const results = reply.body.results as Array<{
        status: string;
        reason: string | null;
        lines?: Array<{ index: number; reason: string }>;
      }>;
      expect(results.map((r) => r.reason)).toEqual([
        null,
        'lines_mismatch',
        'lines_mismatch',
        'line_not_listed',
        'line_not_listed',
        'line_not_listed',
        'line_not_listed',
        'line_not_listed',
        'line_not_listed',
        'over_max_unit_price',
        'over_max_unit_price',
        'line_not_listed',
      ]);
      expect(results[3]!.lines).toEqual([{ index: 1, reason: 'line_not_listed' }]);
      expect(results[9]!.lines).toEqual([{ index: 0, reason: 'over_max_unit_price' }]);
      expect(results[1]!.lines).toBeUndefined();

      // The lines are kept, and a till restored from a backup gets them back under the same hash.
      const kept = await world.store.sql.all<{ code: string }>('SELECT code FROM record_lines WHERE record_id = ? ORDER BY line_index', [
        good.id,
      ]);
      expect(kept.map((k) => k.code)).toEqual([FORMULA, WIPES, `shop:${haircutId}`]);
      const recovered = await till.get('/v1/records?after=0');
      const back = (recovered.body.records as Array<{ record: JournalRecord }>).map((r) => r.record);
      expect(back).toHaveLength(records.length);
      for (const r of back) expect(hashRecord(r)).toBe(r.hash);
      expect(back[0]!.lines).toEqual(good.lines);
    });

    it('in a campaign that trusts the shop, lines need only add up', async () => {
      const [v] = await world.issue('child', 1);
      const lines = [line('item:7', 'books', 1500), line('9787544812054', 'books', 1000)];
      const ok = till.record({ voucherId: v!.voucherId, amountFen: 2500, categories: { books: { amountFen: 2500, quantity: 2 } }, lines });
      const short = till.record({
        voucherId: v!.voucherId,
        amountFen: 2000,
        categories: { books: { amountFen: 2000, quantity: 2 } },
        lines,
      });
      const reply = await till.upload([ok, short]);
      expect(reply.body.results!.map((r) => r.reason)).toEqual([null, 'lines_mismatch']);
    });

    it('reports what the money bought, net of voids', async () => {
      const a = onList(0, [line(FORMULA, 'infant_formula', 26_800), line(`shop:${haircutId}`, 'haircut', 2000)]);
      const b = onList(1, [line(DIAPERS, 'diapers', 8990, 2)]);
      const c = onList(2, [line(FORMULA, 'infant_formula', 26_800)]);
      const voided = till.reverse(c);
      const reply = await till.upload([a, b, c, voided]);
      expect(reply.body.results!.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      const res = await op('GET', '/v1/operator/reports/campaigns/3');
      expect(res.status).toBe(200);
      const report = res.body;
      expect(report.totals).toEqual({ records: 2, amountFen: 26_800 + 2000 + 17_980, amount: '467.80' });
      expect(report.byCategory.map((c: { category: string; amount: string }) => [c.category, c.amount])).toEqual([
        ['infant_formula', '268.00'],
        ['diapers', '179.80'],
        ['haircut', '20.00'],
      ]);
      expect(report.byMerchant).toEqual([{ merchantId: 'M1', name: '爱心母婴店', records: 2, amountFen: 46_780, amount: '467.80' }]);
      expect(report.topItems[0]).toMatchObject({ code: FORMULA, quantity: 1, records: 1, amount: '268.00' });
      expect(report.topItems[1]).toMatchObject({ code: DIAPERS, quantity: 2, amount: '179.80' });
      expect(report.perDay).toHaveLength(1);
      expect(report.perDay[0].date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect((await op('GET', '/v1/operator/reports/campaigns/99')).status).toBe(404);

      const book = XLSX.read(reportWorkbook(await campaignReport(world.store, 3)), { type: 'buffer', cellNF: true });
      expect(book.SheetNames).toEqual(['按类别 By category', '按商户 By merchant', '热门商品 Top items', '按日 Per day']);
      const items = XLSX.utils.sheet_to_json<unknown[]>(book.Sheets['热门商品 Top items']!, { header: 1 });
      expect(items[1]).toEqual([FORMULA, '商品', '婴幼儿奶粉', 1, 1, 268]);
      expect(book.Sheets['按类别 By category']!.D2!.z).toBe('0.00');
    });
  });
});
