import { z } from 'zod';
import { printerSettingsSchema, type PrinterSettings } from '../../shared/api/schemas/printing';
import { DEFAULT_TIME_ZONE } from '../../shared/domain/time';
import { DEFAULT_LOCALE, LOCALES } from '../../shared/i18n/locales';

/**
 * Every setting the till keeps, with its schema and default: the one place a setting's key is
 * spelled. Reads and writes through SettingsStore are typed by this map, and a stored value that no
 * longer fits its schema (an older version wrote it, or someone edited the database) reads as the
 * default instead of reaching the code as a wrong type.
 */
const text = (max: number) => z.string().max(max);

export const DEFAULT_PRINTER: PrinterSettings = {
  kind: 'none',
  uri: '',
  width: 58,
  qr: 'native',
  drawer: false,
  copies: { beneficiary: true, shop: false },
  timeoutMs: 4000,
  confirm: true,
};

export const settingKeys = {
  locale: { schema: z.enum(LOCALES), default: DEFAULT_LOCALE },
  'shop.name': { schema: text(60).nullable(), default: null },
  /** IANA zone the shop's day, receipts and reports are shown in; stored times are UTC. */
  'shop.timeZone': { schema: text(64), default: DEFAULT_TIME_ZONE },
  'printer.config': { schema: printerSettingsSchema, default: DEFAULT_PRINTER },
  /** The camera the cashier chose for voucher scanning. */
  'pref.cameraId': { schema: text(512).nullable(), default: null },
  /** Idle time before a session ends and the PIN is asked again (the sale in progress is kept). */
  'auth.ownerIdleMinutes': {
    schema: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    default: 15,
  },
  'auth.cashierIdleMinutes': {
    schema: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    default: 8 * 60,
  },
  /** However active, a session ends after this long (a shift); then the PIN is asked again. */
  'auth.maxSessionHours': { schema: z.number().int().min(1).max(72), default: 12 },
  /** Set when the embedded demo program enrolled this till (the README's walk-through). */
  'demo.program': { schema: z.boolean(), default: false },
  'program.merchantId': { schema: text(64).nullable(), default: null },
  'program.merchantName': { schema: text(200).nullable(), default: null },
  /** The program's root public key (base64url), pinned at enrollment. */
  'program.rootPublicKey': { schema: text(64).nullable(), default: null },
  'sync.serverUrl': { schema: text(200).nullable(), default: null },
  /** ISO time of the last successful contact with the program (offline limits count from it). */
  'sync.lastSuccessAt': { schema: text(40).nullable(), default: null },
  'sync.manifestEtag': { schema: text(200).nullable(), default: null },
  'sync.statusCursor': { schema: text(200), default: '' },
} as const satisfies Record<string, { schema: z.ZodType; default: unknown }>;

export type SettingKey = keyof typeof settingKeys;
export type SettingValue<K extends SettingKey> = z.output<(typeof settingKeys)[K]['schema']>;
