import receiptline from 'receiptline';
import type { ReceiptDoc } from './receiptDocument';

export type PaperWidth = 58 | 80;
export type QrMode = 'native' | 'raster';

/** Characters per line: 58 mm paper prints 32 columns, 80 mm prints 48 (CJK characters take two). */
export const COLUMNS: Record<PaperWidth, number> = { 58: 32, 80: 48 };

/** ESC p 0 25 250: pulse the cash drawer on pin 2. */
const DRAWER_KICK = Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]);
/**
 * DLE EOT 4: ask for the paper-roll status. A printer answers only once it has processed
 * everything before it, so the answer confirms delivery and tells us whether paper ran out.
 */
export const STATUS_QUERY = Buffer.from([0x10, 0x04, 0x04]);

export interface EscposOptions {
  width: PaperWidth;
  /** native: the printer draws the QR (GS ( k); raster: we send it as an image (GS v 0), for printers without QR. */
  qr: QrMode;
  drawer: boolean;
  /** Append the status query (network printers that answer). */
  confirm: boolean;
}

const qrMarkup = (data: string) => `{code:${data}; option:qrcode,4,m}\n`;

/** ESC t 0 + FS &: code page 0 and the printer's Chinese (GB18030) mode, once per job. */
const CHINESE_MODE = '\x1bt\x00\x1c&';

/**
 * receiptline's ESC/POS commands with two changes a Chinese printer needs. Its text command
 * re-sends `ESC t 0 FS &` before every piece of text (so mid-line in every table row), and its rules
 * are box-drawing byte 0x95 after `FS .` + `ESC t 1`, which a printer that ignores `FS .` prints as
 * "晻". Here Chinese mode is switched on once after the printer is initialised and never left, and a
 * rule is a row of ASCII '-', which every GB18030 printer prints.
 */
function chineseCommands(base: 'escpos' | 'generic'): receiptline.BaseCommand {
  const cmd = receiptline.commands[base] as unknown as Record<string, unknown> & {
    open: (printer: unknown) => string;
    text: (text: string, encoding: string) => string;
  };
  const baseOpen = cmd.open;
  const baseText = cmd.text;
  return Object.assign(Object.create(null) as object, cmd, {
    open(this: unknown, printer: unknown) {
      return baseOpen.call(this, printer) + CHINESE_MODE;
    },
    text(this: unknown, text: string, encoding: string) {
      const bytes = baseText.call(this, text, encoding);
      return bytes.startsWith(CHINESE_MODE) ? bytes.slice(CHINESE_MODE.length) : bytes;
    },
    hr: (width: number) => '-'.repeat(width),
  }) as unknown as receiptline.BaseCommand;
}
// Stryker disable next-line StringLiteral: built once at module load, before any mutant is active (every receipt test fails without it)
const COMMANDS = { escpos: chineseCommands('escpos'), generic: chineseCommands('generic') };

/**
 * A receipt → ESC/POS bytes in GB18030 with the printer's Chinese mode on (FS &), CJK counted as
 * two columns, paper cut at the end, laid out by receiptline. node-thermal-printer's own text
 * functions are not used (no FS &, ¥ in the wrong code page, widths by .length): it only carries
 * these bytes.
 */
export function toEscpos(doc: ReceiptDoc, o: EscposOptions): Buffer {
  const printer = (cutting: boolean) => ({
    cpl: COLUMNS[o.width],
    encoding: 'gb18030' as const,
    command: COMMANDS[o.qr === 'raster' ? 'generic' : 'escpos'],
    cutting,
    spacing: false,
  });
  const parts =
    o.qr === 'raster'
      ? [Buffer.from(receiptline.transform(doc.before + qrMarkup(doc.qr) + doc.after, printer(true)), 'binary')]
      : [
          Buffer.from(receiptline.transform(doc.before, printer(false)), 'binary'),
          nativeQr(doc.qr),
          Buffer.from(receiptline.transform(doc.after, printer(true)), 'binary'),
        ];
  return Buffer.concat([o.drawer ? DRAWER_KICK : Buffer.alloc(0), ...parts, o.confirm ? STATUS_QUERY : Buffer.alloc(0)]);
}

/**
 * The printer's own QR engine (GS ( k): model 2, module size 6, error correction M, centred, then a
 * line feed. The payload is ASCII (receiptQrPayload), so its bytes are its characters. No alignment
 * reset after it: the next part starts with receiptline's ESC @, which resets everything.
 */
function nativeQr(data: string): Buffer {
  const d = Buffer.from(data);
  const store = d.length + 3;
  return Buffer.concat([
    Buffer.from([0x1b, 0x61, 0x01]),
    Buffer.from([0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]),
    Buffer.from([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x06]),
    Buffer.from([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31]),
    Buffer.from([0x1d, 0x28, 0x6b, store & 0xff, store >> 8, 0x31, 0x50, 0x30]),
    d,
    Buffer.from([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]),
    Buffer.from([0x0a]),
  ]);
}

/**
 * The same receipt as plain text lines for the preview on screen, and where the QR goes among them.
 * (receiptline's text command has no cut and no line spacing, so those options are not given.)
 */
export function toPreviewLines(doc: ReceiptDoc, width: PaperWidth): { lines: string[]; qrAt: number } {
  const text = (d: string) =>
    receiptline
      .transform(d, { cpl: COLUMNS[width], encoding: 'gb18030', command: 'text' })
      .split('\n')
      .map((l) => l.trimEnd());
  const trim = (lines: string[]) => {
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines;
  };
  const before = trim(text(doc.before));
  return { lines: [...before, ...trim(text(doc.after))], qrAt: before.length };
}
