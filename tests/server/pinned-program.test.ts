import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/core/services';
import { SyncFailure } from '../../src/core/sync/client';
import { PosError } from '../../src/shared/api/errors';
import { REPLY_SIGNATURE_HEADER } from '../../src/shared/sync/protocol';
import { splitEnrollmentCode } from '../../src/trust/enrollmentCode';
import { fakeProgram, type FakeProgram } from '../helpers/fakeProgram';
import { FaultProxy, type ProxiedReply } from '../helpers/faultProxy';
import { enrolledTill, programWorld, sell, STORES, type ProgramWorld } from '../helpers/program';
import { tempDir } from '../helpers/tmp';

type QuoteValue = { vouchers: Array<{ code: string }> };

/**
 * Issue 10, item 4: the till trusts only the program its enrollment code names. A fake program
 * server on this machine, with keys of its own, accepted any code, handed the till its own root key
 * and manifest, approved every authorization, and a ¥5,000 voucher it minted verified as valid.
 */
describe.each(STORES)('a till trusts only its own program, on $name', (kind) => {
  let world: ProgramWorld;
  let fake: FakeProgram | null = null;
  let proxy: FaultProxy | null = null;
  const cleanups: Array<() => void> = [];
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    world = await programWorld(kind);
  });
  afterEach(async () => {
    cleanups.splice(0).forEach((c) => c());
    await proxy?.stop();
    proxy = null;
    await fake?.close();
    fake = null;
    await world?.close();
  });

  /** A till with its shop set up, not enrolled. */
  const freshTill = async () => {
    const t = tempDir('caretill-till-');
    const services = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'test' }, { syncTimeoutMs: 4000 });
    await services.handlers.setupShop({ shopName: '爱心母婴店', ownerName: '店主', ownerPin: '1234', loadDemoCatalog: true }, {});
    const cashier = services.users.create('收银员', 'cashier', '5678');
    cleanups.push(() => {
      services.close();
      t.cleanup();
    });
    return { services, session: services.users.login(cashier.id, '5678') };
  };
  const enrollError = async (services: Services, url: string, code: string) => {
    try {
      await services.sync.enroll(url, code, 'till');
    } catch (e) {
      return e instanceof PosError ? e.code : String(e);
    }
    return 'enrolled';
  };
  const nothingKept = (services: Services) => {
    expect(services.sync.enrolled()).toBe(false);
    expect(services.manifests.trustAnchor()).toBeNull();
    expect(services.manifests.current()).toBeNull();
    expect(services.settings.get('sync.serverUrl')).toBeNull();
    expect(services.settings.get('program.merchantId')).toBeNull();
    expect(services.manifests.lastSyncAt()).toBeNull();
  };
  const verdictOf = async (services: Services, session: { token: string }, token: string) => {
    const item = services.catalog.search('绘本')[0]!;
    const q = await services.dispatch(
      'quoteSale',
      { lines: [{ itemId: item.id, quantity: 1 }], vouchers: [token] },
      { sessionToken: session.token },
    );
    return q.ok ? (q.value as QuoteValue).vouchers[0]!.code : q.error.code;
  };

  it('a fake program server that accepts any code, hands out its own keys and approves everything cannot enroll the till; nothing is kept', async () => {
    fake = await fakeProgram();
    const { services, session } = await freshTill();
    const code = await world.code(); // the real program's code, typed into the fake server's address
    expect(await enrollError(services, fake.url, code)).toBe('program_key_mismatch');
    expect(fake.seen).toEqual(['/v1/enroll']);
    nothingKept(services);
    // Its ¥5,000 voucher is worth nothing here; the code still enrolls the till with the real program.
    expect(await verdictOf(services, session, fake.voucher)).toBe('no_manifest');
    await services.sync.enroll(world.server.url, code, 'till');
    expect(services.sync.enrolled()).toBe(true);
    expect(await verdictOf(services, session, fake.voucher)).toMatch(/^(unknown_key|bad_signature|unknown_campaign)$/);
    const [real] = await world.issue('child', 1);
    expect(await verdictOf(services, session, real!.token)).toBe('valid');
  });

  it('a fake that copies the real program’s public root key and manifest still cannot sign as the program', async () => {
    const program = (await world.store.getProgram())!;
    const m = (await world.store.latestManifest())!;
    fake = await fakeProgram({ rootPublicKey: program.rootPublicKey, manifest: { manifest: m.manifest, signature: m.signature } });
    const { services } = await freshTill();
    expect(await enrollError(services, fake.url, await world.code())).toBe('program_reply_unsigned');
    nothingKept(services);
  });

  it('a code without the program’s fingerprint, or a plain-http address off this machine, is refused before anything is sent', async () => {
    const { services } = await freshTill();
    const code = await world.code();
    const bare = code.split('.')[0]!;
    expect(await enrollError(services, world.server.url, bare)).toBe('enroll_code_no_pin');
    expect(await enrollError(services, world.server.url, `${bare}.ABCD`)).toBe('enroll_code_no_pin');
    for (const url of ['http://10.0.0.5:8400', 'http://127.0.0.1.example.com:8400', 'ftp://127.0.0.1/'])
      expect(await enrollError(services, url, code), url).toBe('insecure_server_url');
    nothingKept(services);
    // Typed loosely (lower case, spaces, O for 0) it is the same code, and it was never spent.
    const loose = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    expect(splitEnrollmentCode(loose)).toEqual(splitEnrollmentCode(code));
    expect(await enrollError(services, world.server.url, loose)).toBe('enrolled');
  });

  it('a reply with a bad or missing signature is no contact: the offline clock keeps running, nothing is installed or marked sent', async () => {
    proxy = new FaultProxy(
      () => world.server.url,
      () => 'ok',
    );
    await proxy.start();
    let clock = Date.now();
    const till = await enrolledTill(world, 'M1', proxy.url, { now: () => clock });
    cleanups.push(till.cleanup);
    const sync = till.services.sync;
    await sync.refreshManifest(); // signed: the etag is stored, contact noted
    const contact = till.services.manifests.lastSyncAt();
    clock += 60_000;

    const tamper: Array<[string, (r: ProxiedReply) => ProxiedReply]> = [
      ['no signature', (r) => ({ ...r, headers: withoutSignature(r.headers) })],
      [
        'a wrong signature',
        (r) => ({ ...r, headers: { ...r.headers, [REPLY_SIGNATURE_HEADER]: flip(r.headers[REPLY_SIGNATURE_HEADER]!) } }),
      ],
    ];
    for (const [what, alter] of tamper) {
      proxy.alter = alter;
      // "nothing newer" (304) unsigned or wrongly signed does not restart the offline clock
      await expect(sync.refreshManifest(), what).rejects.toMatchObject({ kind: 'offline', code: 'unsigned_reply' });
      expect(till.services.manifests.lastSyncAt(), what).toBe(contact);
      expect(sync.connection(), what).toBe('offline');
    }
    // An upload whose answer is not signed stays pending; the status pull changes nothing.
    proxy.alter = (r) => ({ ...r, headers: withoutSignature(r.headers) });
    const [v] = await world.issue('child', 1);
    clock += 60_000;
    const sale = await sell(till.services, till.session, '绘本', 1, [v!.token]);
    expect(sale.ok).toBe(true);
    expect(till.services.journal.range(1, 1)[0]!.authorization).toBe('offline'); // an unsigned approval is not one
    await expect(sync.upload()).rejects.toBeInstanceOf(SyncFailure);
    expect(sync.pending()).toBe(1);
    await expect(sync.pullStatus()).rejects.toMatchObject({ code: 'unsigned_reply' });
    expect(till.services.manifests.lastSyncAt()).toBe(contact);
    // Signed again: contact, the upload is acknowledged.
    proxy.alter = null;
    clock += 1000;
    await sync.syncNow();
    expect(sync.pending()).toBe(0);
    expect(till.services.manifests.lastSyncAt()).not.toBe(contact);
    expect(sync.connection()).toBe('online');
  });

  it('an approval replayed for another request is refused: it was signed for the request it answered', async () => {
    proxy = new FaultProxy(
      () => world.server.url,
      () => 'ok',
    );
    await proxy.start();
    const till = await enrolledTill(world, 'M1', proxy.url);
    cleanups.push(till.cleanup);
    const [a, b] = await world.issue('child', 2);
    let captured: ProxiedReply | null = null;
    proxy.alter = (r, req) => {
      if (req.path !== '/v1/authorize') return r;
      captured ??= r;
      return captured;
    };
    const first = await till.services.sync.authorize(`${crypto.randomUUID()}:${a!.voucherId}`, a!.voucherId, 2, 1000, a!.token);
    expect(first).toMatchObject({ status: 'approved' });
    // The same signed "approved", replayed as the answer to an authorization of another voucher:
    await expect(
      till.services.sync.authorize(`${crypto.randomUUID()}:${b!.voucherId}`, b!.voucherId, 2, 20_000, b!.token),
    ).rejects.toMatchObject({ kind: 'offline', code: 'unsigned_reply' });
    // …and as the answer to the very same request sent again (a new request, a new signature).
    await expect(
      till.services.sync.authorize(`${crypto.randomUUID()}:${a!.voucherId}`, a!.voucherId, 2, 1000, a!.token),
    ).rejects.toMatchObject({
      code: 'unsigned_reply',
    });
    // The sale the cashier makes meanwhile is recorded offline, within the offline limits.
    const r = await sell(till.services, till.session, '绘本', 1, [b!.token]);
    expect(r.ok).toBe(true);
    expect(till.services.journal.head().seq).toBe(1);
    expect(till.services.journal.range(1, 1)[0]!.authorization).toBe('offline');
  });
});

const withoutSignature = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith('x-caretill-reply'))) as Record<string, string>;

/** The signature with one character changed (still well formed). */
const flip = (sig: string) => `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
