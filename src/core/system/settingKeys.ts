import { z } from 'zod';
import { categoryMapSchema, IMPORT_FIELDS } from '../../shared/api/schemas/catalogImport';
import { printerSettingsSchema, type PrinterSettings } from '../../shared/api/schemas/printing';
import { SHOP_TYPES } from '../../shared/domain/shopTypes';
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
  /** What kind of shop this is: decides the quick keys offered (the owner can change every key). */
  'shop.type': { schema: z.enum(SHOP_TYPES).nullable(), default: null },
  /**
   * The last product-list import's column titles per field (条码 → barcode …): the next file with
   * the same titles is mapped the same way, whatever order its columns are in.
   */
  'catalog.importColumns': {
    schema: z.partialRecord(z.enum(IMPORT_FIELDS), text(60)),
    default: {},
  },
  /** The shop's own category names the owner mapped to program categories (奶粉 → infant_formula). */
  'catalog.importCategories': { schema: categoryMapSchema, default: {} },
  /** The camera the cashier chose for voucher scanning. */
  'pref.cameraId': { schema: text(512).nullable(), default: null },
  /** Voice announcements at the counter (语音播报): "核销成功，券支付五十元" and refusals. The owner turns it off. */
  'pref.voice': { schema: z.boolean(), default: true },
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
  /** A second backup folder (a USB stick); null: backups stay in the data folder only. */
  'backup.secondFolder': { schema: text(500).nullable(), default: null },
  /** How many backups to keep in each folder. */
  'backup.keep': { schema: z.number().int().min(1).max(365), default: 14 },
  /** Days after its statement is paid that a record's sale lines and voucher id are kept on the till. */
  'retention.days': { schema: z.number().int().min(30).max(3650), default: 180 },
  /** Set when the embedded demo program enrolled this till (the README's walk-through). */
  'demo.program': { schema: z.boolean(), default: false },
  'program.merchantId': { schema: text(64).nullable(), default: null },
  'program.merchantName': { schema: text(200).nullable(), default: null },
  /** The program's root public key (base64url), pinned at enrollment. */
  'program.rootPublicKey': { schema: text(64).nullable(), default: null },
  'sync.serverUrl': { schema: text(200).nullable(), default: null },
  /** The device public key the program registered (null: enrolled before this was kept). */
  'sync.enrolledKey': { schema: text(64).nullable(), default: null },
  /** ISO time of the last successful contact with the program (offline limits count from it). */
  'sync.lastSuccessAt': { schema: text(40).nullable(), default: null },
  'sync.manifestEtag': { schema: text(200).nullable(), default: null },
  'sync.statusCursor': { schema: text(200), default: '' },
  /** The program's lists installed (issue 11): versions (0: none) and the ETags to ask "anything newer?". */
  'lists.aplVersion': { schema: z.number().int().nonnegative(), default: 0 },
  'lists.aplEtag': { schema: text(200).nullable(), default: null },
  'lists.shopVersion': { schema: z.number().int().nonnegative(), default: 0 },
  'lists.shopEtag': { schema: text(200).nullable(), default: null },
  /** Windows: open the till when the shop's PC signs in. Kept here; the desktop app applies it (handlers/desktop.ts). */
  'desktop.startWithWindows': { schema: z.boolean(), default: false },
  /** Full-screen till mode: the window covers the screen and only an owner's PIN leaves it. */
  'desktop.kioskMode': { schema: z.boolean(), default: false },
  /** Where the desktop window was, restored at the next start if that screen is still there. */
  'desktop.windowState': {
    schema: z
      .object({
        x: z.number().int(),
        y: z.number().int(),
        width: z.number().int().min(200).max(20_000),
        height: z.number().int().min(200).max(20_000),
        maximized: z.boolean(),
      })
      .strict()
      .nullable(),
    default: null,
  },
} as const satisfies Record<string, { schema: z.ZodType; default: unknown }>;

export type SettingKey = keyof typeof settingKeys;
export type SettingValue<K extends SettingKey> = z.output<(typeof settingKeys)[K]['schema']>;
