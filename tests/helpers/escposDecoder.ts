import iconv from 'iconv-lite';

export interface DecodedReceipt {
  /** Printed text lines, columns reconstructed from absolute positions, trailing spaces removed. */
  lines: string[];
  /** Payloads of the native QR codes printed (GS ( k: stored with fn 80, printed with fn 81). */
  qr: string[];
  /** How each printed native QR was set up: model (1, 2), module size in dots, error correction, alignment. */
  qrFormat: QrFormat[];
  /** Raster images (GS v 0), what every ESC/POS printer prints, e.g. QR codes for printers without native QR. */
  rasters: number;
  /** Images through the newer graphics commands (GS 8 L, GS ( L), which older printers lack. */
  graphics: number;
  /** Line spacing last set: 'default' (ESC 2) or dots (ESC 3 n); null when never set. */
  lineSpacing: 'default' | number | null;
  cuts: number;
  drawerKicks: number;
  statusQueries: number;
  /** True when Chinese mode (FS &) was on for every multi-byte text run. */
  chineseModeOk: boolean;
}

export interface QrFormat {
  /** null: the job never chose, so the printer's own default (model 1 on some) would be used. */
  model: number | null;
  moduleSize: number;
  ecc: 'L' | 'M' | 'Q' | 'H';
  align: 'left' | 'centre' | 'right';
}

const DOTS_PER_COLUMN = 12; // font A: 12 dots wide at 203 dpi

/**
 * Reads ESC/POS bytes back the way a GB18030 receipt printer would: a test tool, strict about
 * what it does not know (an unknown command is an error, not silently skipped).
 */
export function decodeEscpos(bytes: Buffer): DecodedReceipt {
  const out: DecodedReceipt = {
    lines: [],
    qr: [],
    qrFormat: [],
    rasters: 0,
    graphics: 0,
    lineSpacing: null,
    cuts: 0,
    drawerKicks: 0,
    statusQueries: 0,
    chineseModeOk: true,
  };
  let chinese = false;
  let align: QrFormat['align'] = 'left';
  // The printer's QR symbol state (GS ( k): what a print command (fn 81) then prints. Size 3 and
  // correction L are typical power-on defaults; the model's default varies, so it is null until chosen.
  const qr = { model: null as number | null, moduleSize: 3, ecc: 'L' as QrFormat['ecc'], data: null as string | null };
  let widthMul = 1;
  let line = '';
  let pending: number[] = [];
  let i = 0;
  const flushText = () => {
    if (!pending.length) return;
    const buf = Buffer.from(pending);
    pending = [];
    if (buf.some((b) => b >= 0x80) && !chinese) {
      // Outside Chinese mode the only high bytes receiptline sends are its rule characters.
      if (buf.every((b) => b === 0x95 || b < 0x80)) {
        line += [...buf].map((b) => (b === 0x95 ? '-' : String.fromCharCode(b))).join('');
        return;
      }
      out.chineseModeOk = false;
    }
    const text = chinese ? iconv.decode(buf, 'gb18030') : buf.toString('latin1');
    for (const ch of text) {
      line += ch;
      const w = (ch.codePointAt(0)! < 0x80 ? 1 : 2) * widthMul;
      line += ' '.repeat(w - (ch.codePointAt(0)! < 0x80 ? 1 : 2));
    }
  };
  const moveTo = (col: number) => {
    flushText();
    const current = [...line].reduce((n, ch) => n + (ch.codePointAt(0)! < 0x80 ? 1 : 2), 0);
    if (col > current) line += ' '.repeat(col - current);
  };
  const u16 = (at: number) => bytes[at]! + bytes[at + 1]! * 256;

  while (i < bytes.length) {
    const b = bytes[i]!;
    const n1 = bytes[i + 1];
    if (b === 0x0a) {
      flushText();
      out.lines.push(line.replace(/\s+$/, ''));
      line = '';
      i++;
    } else if (b === 0x0d) i++;
    else if (b === 0x10 && n1 === 0x04) {
      out.statusQueries++;
      i += 3;
    } else if (b === 0x1b) {
      flushText();
      const c = n1!;
      if (c === 0x40) {
        chinese = false;
        widthMul = 1;
        align = 'left';
        i += 2;
      } else if (c === 0x61) {
        const n = bytes[i + 2]! % 48; // 0 / '0' left, 1 / '1' centre, 2 / '2' right
        align = n === 1 ? 'centre' : n === 2 ? 'right' : 'left';
        i += 3;
      } else if (c === 0x32) {
        out.lineSpacing = 'default';
        i += 2;
      } else if (c === 0x33) {
        out.lineSpacing = bytes[i + 2]!;
        i += 3;
      } else if (c === 0x70) {
        out.drawerKicks++;
        i += 5;
      } else if (c === 0x64 || c === 0x4a) {
        for (let k = 0; k < (c === 0x64 ? bytes[i + 2]! : 0); k++) out.lines.push('');
        i += 3;
      } else if (c === 0x24) {
        moveTo(Math.round(u16(i + 2) / DOTS_PER_COLUMN));
        i += 4;
      } else if (c === 0x5c) {
        flushText();
        line += ' '.repeat(Math.round(((u16(i + 2) << 16) >> 16) / DOTS_PER_COLUMN));
        i += 4;
      } else if ([0x4d, 0x20, 0x7b, 0x2d, 0x45, 0x74, 0x21, 0x52, 0x47, 0x56, 0x55, 0x72].includes(c)) i += 3;
      else throw new Error(`unknown ESC 0x${c.toString(16)} at ${i}`);
    } else if (b === 0x1c) {
      flushText();
      const c = n1!;
      if (c === 0x26) {
        chinese = true;
        i += 2;
      } else if (c === 0x2e) {
        chinese = false;
        i += 2;
      } else if (c === 0x28)
        i += 5 + u16(i + 3) - 0; // FS ( x pL pH …
      else if (c === 0x53) i += 4;
      else if (c === 0x2d || c === 0x43 || c === 0x21 || c === 0x57) i += 3;
      else throw new Error(`unknown FS 0x${c.toString(16)} at ${i}`);
    } else if (b === 0x1d) {
      flushText();
      const c = n1!;
      if (c === 0x21) {
        widthMul = ((bytes[i + 2]! >> 4) & 0x07) + 1;
        i += 3;
      } else if (c === 0x56) {
        out.cuts++;
        const m = bytes[i + 2]!;
        i += m === 0x41 || m === 0x42 || m === 65 || m === 66 ? 4 : 3;
      } else if (c === 0x28 && bytes[i + 2] === 0x6b) {
        const len = u16(i + 3);
        const cn = bytes[i + 5];
        const fn = bytes[i + 6];
        const arg = bytes[i + 7]!;
        if (cn === 0x31 && fn === 0x41) qr.model = arg - 48;
        else if (cn === 0x31 && fn === 0x43) qr.moduleSize = arg;
        else if (cn === 0x31 && fn === 0x45) qr.ecc = (['L', 'M', 'Q', 'H'] as const)[arg - 48] ?? qr.ecc;
        else if (cn === 0x31 && fn === 0x50) qr.data = bytes.subarray(i + 8, i + 5 + len).toString('latin1');
        else if (cn === 0x31 && fn === 0x51 && qr.data !== null) {
          out.qr.push(qr.data);
          out.qrFormat.push({ model: qr.model, moduleSize: qr.moduleSize, ecc: qr.ecc, align });
        }
        i += 5 + len;
      } else if (c === 0x38 && bytes[i + 2] === 0x4c) {
        out.graphics++; // GS 8 L: graphics data, 32-bit length
        i += 7 + bytes[i + 3]! + bytes[i + 4]! * 256 + bytes[i + 5]! * 65536 + bytes[i + 6]! * 16777216;
      } else if (c === 0x28 && bytes[i + 2] === 0x4c) {
        i += 5 + u16(i + 3); // GS ( L: print the graphics GS 8 L stored (counted there)
      } else if (c === 0x76 && bytes[i + 2] === 0x30) {
        out.rasters++;
        i += 8 + u16(i + 4) * u16(i + 6);
      } else if (c === 0x4c || c === 0x57) i += 4;
      else if ([0x42, 0x61, 0x62, 0x66, 0x48, 0x68, 0x77, 0x72].includes(c)) i += 3;
      else if (c === 0x6b) {
        const m = bytes[i + 2]!;
        i += m >= 65 ? 4 + bytes[i + 3]! : bytes.indexOf(0, i + 3) + 1 - i;
      } else throw new Error(`unknown GS 0x${c.toString(16)} at ${i}`);
    } else {
      pending.push(b);
      i++;
    }
  }
  flushText();
  if (line) out.lines.push(line.replace(/\s+$/, ''));
  return out;
}

/** Lines compared for meaning: runs of spaces folded, blank lines dropped. */
export function normalizeLines(lines: string[]): string[] {
  return lines.map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
}
