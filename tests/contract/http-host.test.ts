import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { overHttp, type Harness } from '../helpers/clients';

/** What only the HTTP host adds: the launch token, the Host check, body parsing and limits. */
describe('Node host HTTP boundary', () => {
  let h: Harness;
  let base: string;
  let token: string;
  beforeEach(async () => {
    h = await overHttp.make();
    base = h.host!.url.replace(/\/$/, '');
    token = h.host!.token;
  });
  afterEach(async () => h.close());

  const post = (method: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('binds to 127.0.0.1 and prints a URL with the token in the fragment', () => {
    expect(h.host!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(h.host!.openUrl).toBe(`${h.host!.url}#token=${token}`);
    expect(token.length).toBeGreaterThanOrEqual(32);
  });

  it('a missing or wrong token gets 401 and nothing else happens', async () => {
    const body = JSON.stringify({ args: { locale: 'en' } });
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${token}x`, token, `bearer ${token}`]) {
      const res = await post('setLocale', body, auth === undefined ? {} : { authorization: auth });
      expect(res.status, String(auth)).toBe(401);
      expect(await res.json()).toEqual({ ok: false, error: { code: 'unauthorized', message: 'missing or wrong launch token' } });
    }
    expect(h.services.settings.get('locale')).toBe('zh-CN');
    const ok = await post('setLocale', body, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(h.services.settings.get('locale')).toBe('en');
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}/api/getStatus`,
        { method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{"args":{}}');
    });
    expect(status).toBe(421);
  });

  it('malformed JSON, non-object bodies and oversized bodies get bad_request', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const torn = await post('getStatus', '{"args":', auth);
    expect(torn.status).toBe(400);
    expect(await torn.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const arr = await post('getStatus', '[1,2]', auth);
    expect(arr.status).toBe(400);
    expect(await arr.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const huge = await post('getStatus', JSON.stringify({ args: {}, pad: 'x'.repeat(2 * 1024 * 1024) }), auth);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('a validation error is 400 and an unknown method 404, both as envelopes', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const bad = await post('setLocale', JSON.stringify({ args: { locale: 42 } }), auth);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'validation', field: 'args.locale' } });
    const unknown = await post('launchMissiles', '{"args":{}}', auth);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('only POST reaches the API', async () => {
    const res = await fetch(`${base}/api/getStatus`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(405);
  });
});
