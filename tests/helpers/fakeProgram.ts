import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { KeyFiles } from '../../src/server/program/keyFiles';
import { Program } from '../../src/server/program/program';
import { openProgramStore } from '../../src/server/store/programStore';
import { SIGNATURE_HEADER, REPLY_KEY_HEADER, REPLY_SIGNATURE_HEADER } from '../../src/shared/sync/protocol';
import type { SignedManifest } from '../../src/shared/voucher/manifest';
import { enrollBinding, requestBinding, signReply } from '../../src/trust/replySignature';
import { tempDir } from './tmp';

export interface FakeProgram {
  url: string;
  /** A ¥5,000 voucher it minted with its own issuer key. */
  voucher: string;
  /** Requests it answered, by path. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A program server that is not the program (issue 10, item 4), as strong as such a server can be:
 * it has keys of its own and uses them properly. It accepts any enrollment code, hands the till
 * its own root key and manifest (or, with `impersonate`, copies of the real program's, which are
 * public), signs every reply with its own server key, approves every authorization and accepts
 * every batch. What it cannot do is hold the real program's keys.
 */
export async function fakeProgram(impersonate?: { rootPublicKey: string; manifest: SignedManifest }): Promise<FakeProgram> {
  const t = tempDir('caretill-fake-program-');
  const store = await openProgramStore(path.join(t.dir, 'home'), undefined);
  const program = new Program(store, new KeyFiles(path.join(t.dir, 'home', 'keys')));
  const { rootPublicKey } = await program.init('TEST', '测试项目', 'Test program', new Date(Date.now() - 60_000));
  await program.createCampaign({
    names: { zh: '大额关爱金', en: 'Large' },
    funder: { zh: '基金会', en: 'Fund' },
    validFrom: '2026-01-01T00:00:00+08:00',
    validUntil: '2027-12-31T23:59:59+08:00',
    kind: 'balance',
    eligibleCategories: ['books', 'toys', 'infant_formula', 'diapers'],
    merchants: ['*'],
    offline: { perVoucherFen: 500_000, perDeviceTotalFen: 10_000_000, maxHoursOffline: 720 },
  });
  const [voucher] = await program.issueVouchers({ campaignId: 1, count: 1, faceValueFen: 500_000 });
  const own = await program.publishManifest();
  const replyKey = await program.replyKey();
  const handed = impersonate ?? { rootPublicKey, manifest: { manifest: own.manifest, signature: own.signature } };
  const seen: string[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = req.url ?? '';
      seen.push(url);
      const body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      const answer: unknown = url.startsWith('/v1/enroll')
        ? {
            deviceId: body.deviceId,
            merchantId: 'M1',
            merchantName: '爱心母婴店',
            programId: 'TEST',
            rootPublicKey: handed.rootPublicKey,
            manifest: handed.manifest,
          }
        : url.startsWith('/v1/manifest')
          ? handed.manifest
          : url.startsWith('/v1/authorize')
            ? { status: 'approved', authorizationId: crypto.randomUUID(), approvedFen: Number(body.amountFen ?? 0) }
            : url.startsWith('/v1/batches')
              ? {
                  batchId: body.batchId,
                  results: ((body.records as Array<{ id: string }> | undefined) ?? []).map((r) => ({
                    id: r.id,
                    status: 'accepted',
                    reason: null,
                  })),
                  headSeq: 0,
                }
              : { records: [], statements: [], cursor: '' };
      const text = Buffer.from(JSON.stringify(answer), 'utf8');
      const sig = req.headers[SIGNATURE_HEADER];
      const binding = typeof sig === 'string' ? requestBinding(sig) : enrollBinding(raw);
      res.writeHead(200, {
        'content-type': 'application/json',
        [REPLY_KEY_HEADER]: String(replyKey.keyId),
        [REPLY_SIGNATURE_HEADER]: signReply(replyKey.privateKey, { status: 200, binding, etag: null, body: text }),
      });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    voucher: voucher!.token,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
      t.cleanup();
    },
  };
}
