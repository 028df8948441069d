import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PosApi } from '../../src/shared/api/client';
import { LATEST_SCHEMA_VERSION } from '../../src/core/db/migrations';
import { direct, overHttp, type Harness } from '../helpers/clients';

/**
 * One PosApi suite, run against core directly and through the HTTP host: whatever a host
 * adds or loses shows up as a difference between the two runs.
 */
describe.each([direct, overHttp])('PosApi contract via $name', (factory) => {
  let h: Harness;
  let api: PosApi;
  beforeEach(async () => {
    h = await factory.make();
    api = h.api;
  });
  afterEach(async () => h.close());

  it('getDiagnostics describes this till', async () => {
    const r = await api.getDiagnostics({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(r.value.dataDir).toBe(h.services.config.dataDir);
    expect(r.value.host).toBe('direct');
    expect(r.value.connection).toBe('not_enrolled');
    expect(Date.parse(r.value.startedAt)).not.toBeNaN();
  });

  it('getStatus is ready for the status bar', async () => {
    const r = await api.getStatus({});
    expect(r).toEqual({
      ok: true,
      value: { cashier: null, connection: 'not_enrolled', printer: 'not_configured', printQueue: 0, pendingUploads: 0 },
    });
  });

  it('locale defaults to Chinese and a change is persisted', async () => {
    expect(await api.getSettings({})).toEqual({ ok: true, value: { locale: 'zh-CN', shopName: null, timeZone: 'Asia/Shanghai' } });
    expect(await api.setLocale({ locale: 'en' })).toMatchObject({ ok: true, value: { locale: 'en' } });
    expect(await api.getSettings({})).toMatchObject({ ok: true, value: { locale: 'en' } });
    expect(h.services.settings.get('locale')).toBe('en');
  });

  it('a malformed argument gets a validation error naming the field, and changes nothing', async () => {
    const r = await api.setLocale({ locale: 'fr' } as never);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation');
    expect(r.error.field).toBe('args.locale');
    expect(h.services.settings.get('locale')).toBe('zh-CN');
  });

  it('unexpected extra fields are refused', async () => {
    const r = await api.getStatus({ sneaky: 1 } as never);
    expect(r.ok ? 'ok' : r.error.code).toBe('validation');
  });

  it('an unknown method gets a clear error', async () => {
    const r = await h.services.dispatch('dropAllTables', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const proto = await h.services.dispatch('__proto__', {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });
});
