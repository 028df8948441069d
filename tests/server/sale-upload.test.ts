/**
 * A recorded sale says what happened to it (issue 13, bug 2): online or offline, and where its
 * records are with the program, as the till's real upload and the program's real answer leave them.
 * The till's side only: one store is enough.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompletedSale } from '../../src/shared/api/schemas/checkout';
import { FaultProxy, type Fault } from '../helpers/faultProxy';
import { enrolledTill, programWorld, sell, STORES, type ProgramWorld } from '../helpers/program';

const sqlite = STORES.find((s) => s.name === 'sqlite')!;

describe('a recorded sale and its upload', () => {
  let world: ProgramWorld;
  let proxy: FaultProxy | undefined;
  const cleanups: Array<() => void> = [];
  beforeEach(async () => {
    world = await programWorld(sqlite);
  });
  afterEach(async () => {
    cleanups.splice(0).forEach((c) => c());
    await proxy?.stop();
    proxy = undefined;
    await world.close();
  });

  const recorded = (r: Awaited<ReturnType<typeof sell>>): CompletedSale => {
    if (!r.ok) throw new Error(r.error.code);
    return r.value as CompletedSale;
  };

  it('an online sale waits as it is recorded and reads accepted once uploaded', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [voucher] = await world.issue('baby', 1);
    const sale = recorded(await sell(till.services, till.session, '飞鹤', 1, [voucher!.token]));
    expect(sale.records.every((r) => r.authorization !== 'offline')).toBe(true);
    expect(sale.upload).toBe('waiting');
    await till.services.sync.syncNow();
    expect(till.services.sync.pending()).toBe(0);
    expect(till.services.sales.get(sale.saleId).upload).toBe('accepted');
  });

  it('a sale made while the program is out of reach is offline and waits; it is accepted when the program is back', async () => {
    let fault: Fault = 'ok';
    proxy = new FaultProxy(
      () => world.server.url,
      () => fault,
    );
    await proxy.start();
    const till = await enrolledTill(world, 'M1', proxy.url, { syncTimeoutMs: 700 });
    cleanups.push(till.cleanup);
    const [voucher] = await world.issue('baby', 1);
    fault = 'drop_before_body';
    const sale = recorded(await sell(till.services, till.session, '飞鹤', 1, [voucher!.token]));
    expect(sale.records.map((r) => r.authorization)).toEqual(['offline']);
    expect(sale.upload).toBe('waiting');
    await expect(till.services.sync.syncNow()).rejects.toThrow();
    expect(till.services.sales.get(sale.saleId).upload).toBe('waiting');

    fault = 'ok';
    await till.services.sync.syncNow();
    expect(till.services.sales.get(sale.saleId).upload).toBe('accepted');
  });

  it('a voided sale waits again until its reversal is uploaded', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [voucher] = await world.issue('baby', 1);
    const sale = recorded(await sell(till.services, till.session, '飞鹤', 1, [voucher!.token]));
    await till.services.sync.syncNow();
    const voided = await till.services.dispatch('voidSale', { saleId: sale.saleId }, { sessionToken: till.session.token });
    expect(voided.ok && (voided.value as CompletedSale).upload).toBe('waiting');
    await till.services.sync.syncNow();
    expect(till.services.sales.get(sale.saleId).upload).toBe('accepted');
  });
});
