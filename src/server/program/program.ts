import crypto, { type KeyObject } from 'node:crypto';
import { generateKeyPair, rawPublicKey, sign } from '../../trust/ed25519';
import { manifestSigningInput } from '../../trust/trustedManifest';
import { isNeverEligible } from '../../shared/domain/categories';
import {
  campaignSchema,
  MANIFEST_FORMAT,
  manifestSchema,
  type Campaign,
  type IssuerKey,
  type Manifest,
  type SignedManifest,
} from '../../shared/voucher/manifest';
import type { VoucherKind } from '../../shared/voucher/token';
import { manifestKey, type IssuedVoucher, type ProgramStore } from '../store/programStore';
import { mint, withoutToken } from './mint';
import { ProgramError } from './programError';
import { reissueVouchers, type ReissueOptions, type ReissueResult } from './reissue';
import { checkInput, keyIdSchema, merchantIdSchema, programIdSchema, programNameSchema, reasonSchema, validDaysSchema } from './inputs';
import { issuerKeyName, ROOT_KEY, serverKeyName, type KeyFiles } from './keyFiles';
import { publishApl, type AplPublishResult } from './aplPublish';
import type { AplEntry } from '../../shared/apl/apl';

export { ProgramError } from './programError';

export interface IssueOptions {
  campaignId: number;
  count: number;
  faceValueFen: number;
  /** Defaults to the campaign's window. */
  validFrom?: Date;
  validUntil?: Date;
  /** Holder tags (10 hex) to use, one per voucher; random when absent. */
  holderTags?: string[];
  /** Defaults to the newest key whose window is open now. */
  keyId?: number;
  now?: Date;
}

const DAY_MS = 86_400_000;

/** What the program server signs its replies to tills with: a key the published manifest names. */
export interface ReplyKey {
  keyId: number;
  privateKey: KeyObject;
}

/**
 * The program operator's actions: keys, campaigns, vouchers, revocations and the signed
 * manifest. Used by the CLI and by the program server.
 */
export class Program {
  constructor(
    readonly store: ProgramStore,
    private readonly keys: KeyFiles,
  ) {}

  async init(
    programId: string,
    nameZh: string,
    nameEn: string,
    now = new Date(),
  ): Promise<{ rootPublicKey: string; issuerKey: IssuerKey }> {
    if (await this.store.getProgram()) throw new ProgramError('this program is already set up');
    checkInput(programIdSchema, programId, 'id');
    nameZh = checkInput(programNameSchema, nameZh, 'name-zh');
    nameEn = checkInput(programNameSchema, nameEn, 'name-en');
    const root = generateKeyPair();
    this.keys.write(ROOT_KEY, root.privateKey);
    const rootPublicKey = rawPublicKey(root.publicKey).toString('base64url');
    await this.store.initProgram({ programId, nameZh, nameEn, rootPublicKey, createdAt: now.toISOString() });
    const issuerKey = await this.createIssuerKey(3 * 365, now);
    return { rootPublicKey, issuerKey };
  }

  /** A new voucher-signing key. Old keys stay in the manifest until their window closes (rotation). */
  async createIssuerKey(validDays: number, now = new Date()): Promise<IssuerKey> {
    await this.requireProgram();
    checkInput(validDaysSchema, validDays, 'valid-days');
    const existing = await this.store.listIssuerKeys();
    const keyId = existing.reduce((m, k) => Math.max(m, k.keyId), 0) + 1;
    if (keyId > 0xffff) throw new ProgramError('no issuer key ids left');
    const pair = generateKeyPair();
    this.keys.write(issuerKeyName(keyId), pair.privateKey);
    const key: IssuerKey = {
      keyId,
      publicKey: rawPublicKey(pair.publicKey).toString('base64url'),
      validFrom: now.toISOString(),
      validUntil: new Date(now.getTime() + validDays * DAY_MS).toISOString(),
    };
    await this.store.addIssuerKey(key);
    return key;
  }

  async createCampaign(input: unknown): Promise<Campaign> {
    await this.requireProgram();
    const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const listed = Array.isArray(raw.eligibleCategories) ? (raw.eligibleCategories as unknown[]) : [];
    const forbidden = listed.filter((c) => typeof c === 'string' && isNeverEligible(c));
    if (forbidden.length > 0) throw new ProgramError(`never eligible in any campaign: ${forbidden.join(', ')}`);
    const id = raw.id ?? (await this.store.listCampaigns()).reduce((m, c) => Math.max(m, c.id), 0) + 1;
    const parsed = campaignSchema.safeParse({ ...raw, id });
    if (!parsed.success) {
      throw new ProgramError(parsed.error.issues.map((i) => `${i.path.join('.') || 'campaign'}: ${i.message}`).join('; '));
    }
    const c = parsed.data;
    for (const m of c.merchants) if (m !== '*') checkInput(merchantIdSchema, m, 'merchants');
    for (const [field, text] of Object.entries({
      'names.zh': c.names.zh,
      'names.en': c.names.en,
      'funder.zh': c.funder.zh,
      'funder.en': c.funder.en,
    }))
      checkInput(programNameSchema, text, field);
    if (Date.parse(c.validUntil) <= Date.parse(c.validFrom)) throw new ProgramError('validUntil must be after validFrom');
    if (await this.store.getCampaign(c.id)) throw new ProgramError(`campaign ${c.id} exists already`);
    await this.store.addCampaign(c);
    return c;
  }

  /**
   * New vouchers, signed now. Their tokens are returned once, for the CSV and the cards, and not
   * kept: the program stores what settlement needs (id, campaign, value, validity, holder tag,
   * key id). Another print of a card means re-issuing it (`reissue`).
   */
  async issueVouchers(o: IssueOptions): Promise<IssuedVoucher[]> {
    const campaign = await this.store.getCampaign(o.campaignId);
    if (!campaign) throw new ProgramError(`no campaign ${o.campaignId}`);
    if (!Number.isInteger(o.count) || o.count < 1 || o.count > 100_000) throw new ProgramError('count must be 1 to 100000');
    if (!Number.isInteger(o.faceValueFen) || o.faceValueFen < 1 || o.faceValueFen > 0xffffffff)
      throw new ProgramError('value must be a positive whole number of fen');
    if (o.holderTags && o.holderTags.length !== o.count)
      throw new ProgramError(`${o.holderTags.length} holder tags given for ${o.count} vouchers`);
    for (const t of o.holderTags ?? [])
      if (!/^[0-9a-f]{10}$/.test(t)) throw new ProgramError(`holder tag ${JSON.stringify(t)} is not 10 hex digits`);
    const now = o.now ?? new Date();
    const from = o.validFrom ?? new Date(campaign.validFrom);
    const until = o.validUntil ?? new Date(campaign.validUntil);
    if (until <= from) throw new ProgramError('valid-until must be after valid-from');
    if (from < new Date(campaign.validFrom) || until > new Date(campaign.validUntil))
      throw new ProgramError('voucher validity must lie within the campaign window');
    const key = await this.pickKey(o.keyId, now, until);
    const privateKey = this.keys.read(issuerKeyName(key.keyId));
    const issued: IssuedVoucher[] = [];
    for (let i = 0; i < o.count; i++)
      issued.push(
        mint(privateKey, {
          voucherId: crypto.randomBytes(16).toString('hex'),
          campaignId: campaign.id,
          kind: campaign.kind as VoucherKind,
          faceValueFen: o.faceValueFen,
          validFrom: Math.floor(from.getTime() / 1000),
          validUntil: Math.floor(until.getTime() / 1000),
          holderTag: o.holderTags?.[i] ?? crypto.randomBytes(5).toString('hex'),
          keyId: key.keyId,
          issuedAt: now.toISOString(),
        }),
      );
    await this.store.addVouchers(issued.map(withoutToken));
    return issued;
  }

  /**
   * Ends an issuer key (say, it leaked): the next manifest says so, tills refuse its tokens from
   * then on, and the server rejects records and authorizations for its vouchers dated after now.
   * Re-issue its vouchers (`reissue({ keyId })`) so families can keep using what they have.
   */
  async revokeIssuerKey(keyId: number, reason: string | undefined, now = new Date()): Promise<{ revokedAt: string; vouchers: number }> {
    await this.requireProgram();
    checkInput(keyIdSchema, keyId, 'key');
    const why = reason === undefined ? null : checkInput(reasonSchema, reason, 'reason');
    const revokedAt = now.toISOString();
    if (!(await this.store.revokeIssuerKey(keyId, revokedAt, why))) {
      const known = (await this.store.issuerKeyRows()).find((k) => k.keyId === keyId);
      throw new ProgramError(known ? `issuer key ${keyId} was revoked already (${known.revokedAt})` : `no issuer key ${keyId}`);
    }
    const vouchers = (await this.store.listVouchers({ keyId })).filter((v) => !v.revokedAt).length;
    return { revokedAt, vouchers };
  }

  /** Re-issues vouchers (of a revoked key, or lost cards): see reissueVouchers. */
  reissue(o: ReissueOptions): Promise<ReissueResult> {
    return reissueVouchers(
      this.store,
      o,
      (keyId, now, until) => this.pickKey(keyId, now, until),
      (keyId) => this.keys.read(issuerKeyName(keyId)),
    );
  }

  async revoke(
    voucherIds: string[],
    reason: string | null,
    now = new Date(),
  ): Promise<{ revoked: string[]; unknown: string[]; already: string[] }> {
    const ids = [...new Set(voucherIds.map((s) => s.trim().toLowerCase()))];
    if (reason !== null) reason = checkInput(reasonSchema, reason, 'reason');
    const revoked = await this.store.revokeVouchers(ids, now.toISOString(), reason);
    const unknown: string[] = [];
    const already: string[] = [];
    for (const id of ids.filter((i) => !revoked.includes(i))) ((await this.store.getVoucher(id)) ? already : unknown).push(id);
    return { revoked, unknown, already };
  }

  /**
   * The key the program server signs its replies with (made once, kept in the key folder like the
   * others), made sure to be named by the manifest tills are given: when the latest one predates
   * it, the next version is published now. What `serve` (and the demo) start the server with.
   */
  async replyKey(now = new Date()): Promise<ReplyKey> {
    const keyId = await this.ensureServerKey(now);
    const latest = await this.store.latestManifest();
    if (latest && !manifestSchema.parse(JSON.parse(latest.manifest)).serverKeys.some((k) => k.keyId === keyId))
      await this.publishManifest(now);
    return { keyId, privateKey: this.keys.read(serverKeyName(keyId)) };
  }

  private async ensureServerKey(now: Date): Promise<number> {
    await this.requireProgram();
    const newest = (await this.store.serverKeys()).at(-1);
    if (newest) return newest.keyId;
    // A key file left by a run that stopped before storing it is taken up, never overwritten.
    const name = serverKeyName(1);
    if (!this.keys.exists(name)) this.keys.write(name, generateKeyPair().privateKey);
    const publicKey = rawPublicKey(crypto.createPublicKey(this.keys.read(name))).toString('base64url');
    await this.store.addServerKey({ keyId: 1, publicKey }, now.toISOString());
    return 1;
  }

  /** Builds, signs and records the next manifest version. */
  async publishManifest(now = new Date()): Promise<SignedManifest & { version: number }> {
    const program = await this.requireProgram();
    await this.ensureServerKey(now);
    const previous = await this.store.latestManifest();
    const manifest: Manifest = manifestSchema.parse({
      format: MANIFEST_FORMAT,
      programId: program.programId,
      programName: { zh: program.nameZh, en: program.nameEn },
      version: (previous?.version ?? 0) + 1,
      issuedAt: now.toISOString(),
      keys: await this.store.listIssuerKeys(),
      campaigns: await this.store.listCampaigns(),
      revoked: await this.store.listRevocations(),
      serverKeys: await this.store.serverKeys(),
    });
    const text = JSON.stringify(manifest);
    const signature = sign(this.keys.read(ROOT_KEY), manifestSigningInput(text)).toString('base64url');
    await this.store.saveManifest({ version: manifest.version, manifest: text, signature, publishedAt: now.toISOString() });
    return { manifest: text, signature, version: manifest.version };
  }

  /**
   * Makes `entries` (the whole list) the next version of the approved product list, signed with
   * the root key, with signed deltas from the last versions (src/server/program/aplPublish.ts).
   */
  async publishApl(entries: AplEntry[], source: string | null = null, now = new Date()): Promise<AplPublishResult> {
    const program = await this.requireProgram();
    return publishApl(this.store.sql, this.keys.read(ROOT_KEY), program.programId, entries, now, source);
  }

  private async requireProgram() {
    const p = await this.store.getProgram();
    if (!p) throw new ProgramError('no program here yet: run `npm run program -- init` first');
    return p;
  }

  private async pickKey(keyId: number | undefined, now: Date, until: Date): Promise<IssuerKey> {
    const keys = await this.store.issuerKeyRows();
    if (keyId !== undefined) {
      const k = keys.find((x) => x.keyId === keyId);
      if (!k) throw new ProgramError(`no issuer key ${keyId}`);
      if (k.revokedAt) throw new ProgramError(`issuer key ${keyId} was revoked on ${k.revokedAt}; it signs nothing more`);
      return manifestKey(k);
    }
    const open = keys.filter((k) => !k.revokedAt && Date.parse(k.validFrom) <= now.getTime() && Date.parse(k.validUntil) >= now.getTime());
    const k = open.sort((a, b) => b.keyId - a.keyId)[0];
    if (!k) throw new ProgramError('no issuer key is valid now: run `npm run program -- keys create`');
    if (Date.parse(k.validUntil) < until.getTime()) {
      process.emitWarning(`issuer key ${k.keyId} closes before these vouchers expire; tills will refuse them after ${k.validUntil}`);
    }
    return manifestKey(k);
  }
}
