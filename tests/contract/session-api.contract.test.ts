import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { direct, overHttp, type Harness } from '../helpers/clients';
import { code, value } from '../helpers/results';

/**
 * Issue 16: first run, who is signed in, signing out, and sync before enrollment, through the till's
 * API (core directly, and the same calls as JSON over HTTP on loopback).
 */
describe.each([direct, overHttp])('sessions through the API ($name)', (factory) => {
  let h: Harness;
  beforeEach(async () => {
    h = await factory.make();
  });
  afterEach(async () => h.close());

  const setup = async (over: Record<string, unknown> = {}) =>
    value(await h.api.setupShop({ shopName: '小明理发店', ownerName: '小明', ownerPin: '1234', loadDemoCatalog: false, ...over }));

  it('a new till needs setting up, once: the first owner is created without signing in, and nobody after that', async () => {
    expect(value(await h.api.getSetupState({}))).toMatchObject({ needsSetup: true });
    const first = await setup();
    expect(first.user).toMatchObject({ name: '小明', role: 'owner' });
    expect(value(await h.api.getSetupState({}))).toMatchObject({ needsSetup: false, shopName: '小明理发店' });
    expect(code(await h.api.setupShop({ shopName: 'x', ownerName: 'y', ownerPin: '9999', loadDemoCatalog: false }))).toBe('already_set_up');
  });

  it('the kind of shop is kept even without the sample catalogue', async () => {
    await setup({ shopType: 'barber' });
    expect(h.services.settings.get('shop.type')).toBe('barber');
  });

  it('who am I: the signed-in person, nobody after signing out', async () => {
    const { session, user } = await setup();
    expect(value(await h.api.whoAmI({}))).toBeNull();
    h.useSession(session);
    expect(value(await h.api.whoAmI({}))).toEqual({ id: user.id, name: '小明', role: 'owner' });
    expect(value(await h.api.logout({}))).toEqual({});
    expect(value(await h.api.whoAmI({}))).toBeNull();
    expect(code(await h.api.logout({}))).toBe('not_logged_in');
  });

  it('a till that is not enrolled cannot sync, and says so', async () => {
    const { session } = await setup();
    h.useSession(session);
    expect(code(await h.api.syncNow({}))).toBe('not_enrolled');
    expect(value(await h.api.getSync({}))).toMatchObject({ connection: 'not_enrolled', serverUrl: null, lastSyncAt: null });
  });
});
