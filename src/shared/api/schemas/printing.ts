import { z } from 'zod';

/**
 * What a printer device may be called: a device node under /dev, a Windows serial or parallel port,
 * or a shared printer (\\host\share). Never an ordinary path: a "printer" that is a file would let
 * a test page overwrite it. Core also checks that a /dev path is a character device (printing/device.ts).
 * The host of a share starts with a letter or digit, so Windows' device namespace (\\.\PhysicalDrive0)
 * is no share; of that namespace only \\.\COMn is a printer.
 */
export const PRINTER_DEVICE = /^(?!.*\.\.)(\/dev\/[\w./+-]+|COM\d{1,3}|LPT\d|\\\\\.\\COM\d{1,3}|\\\\[a-z0-9][\w.-]*\\[^\\/:*?"<>|]+)$/i;

export const printerSettingsSchema = z
  .object({
    /** none: no printer (receipts on screen only). network: tcp://host:9100. device: /dev/usb/lp0, COM3, \\\\pc\\share. os: printer:NAME. */
    kind: z.enum(['none', 'network', 'device', 'os']),
    uri: z.string().trim().max(200),
    width: z.union([z.literal(58), z.literal(80)]),
    qr: z.enum(['native', 'raster']),
    drawer: z.boolean(),
    copies: z.object({ beneficiary: z.boolean(), shop: z.boolean() }).strict(),
    timeoutMs: z.number().int().min(500).max(60_000),
    /** Wait for the printer's status answer to confirm each receipt (network printers). */
    confirm: z.boolean(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === 'network' && !/^tcp:\/\/[^/:\s]+(:\d{1,5})?\/?$/i.test(s.uri))
      ctx.addIssue({ code: 'custom', path: ['uri'], message: 'network printers look like tcp://192.168.1.50:9100' });
    if (s.kind === 'os' && !/^printer:.+/i.test(s.uri))
      ctx.addIssue({ code: 'custom', path: ['uri'], message: 'OS printers look like printer:NAME' });
    if (s.kind === 'device' && !PRINTER_DEVICE.test(s.uri))
      ctx.addIssue({
        code: 'custom',
        path: ['uri'],
        message: 'printer devices look like /dev/usb/lp0, /dev/ttyUSB0, COM3, LPT1 or \\\\PC\\Share',
      });
  });

export const PRINT_ERRORS = [
  'printer_offline',
  'printer_timeout',
  'printer_dropped',
  'printer_no_paper',
  'printer_unreachable',
  'printer_driver_missing',
  'printer_not_device',
  'printer_error',
] as const;
export type PrintErrorCode = (typeof PRINT_ERRORS)[number];
export const printErrorSchema = z.enum(PRINT_ERRORS);

export const printJobSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['receipt', 'test', 'zreport']),
  saleId: z.string().nullable(),
  /** For a Z-report: its number. */
  shiftNumber: z.number().int().nullable(),
  copy: z.enum(['beneficiary', 'shop', 'test', 'original', 'reprint']),
  status: z.enum(['queued', 'done', 'cancelled']),
  attempts: z.number().int(),
  lastError: printErrorSchema.nullable(),
  createdAt: z.string(),
  printedAt: z.string().nullable(),
});

export const printerStateSchema = z.object({
  status: z.enum(['not_configured', 'ready', 'error']),
  waiting: z.number().int(),
  lastError: printErrorSchema.nullable(),
});

export const receiptPreviewSchema = z.object({
  width: z.union([z.literal(58), z.literal(80)]),
  lines: z.array(z.string()),
  /** The QR code is drawn before lines[qrAt]. */
  qrAt: z.number().int().nonnegative(),
  qr: z.string(),
  /** The QR as an SVG document, drawn beside the text lines. */
  qrSvg: z.string(),
});

export type PrinterSettings = z.output<typeof printerSettingsSchema>;
export type PrintJob = z.output<typeof printJobSchema>;
export type PrinterState = z.output<typeof printerStateSchema>;
export type ReceiptPreview = z.output<typeof receiptPreviewSchema>;
