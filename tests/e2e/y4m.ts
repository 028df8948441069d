import fs from 'node:fs';
import QRCode from 'qrcode';

/**
 * A .y4m video for Chromium's fake camera showing one QR code (DESIGN.md §9): header
 * "YUV4MPEG2 W H F C420jpeg", then frames "FRAME\n" + I420 planes. Chromium loops it.
 */
export function writeQrY4m(
  file: string,
  text: string,
  opts: { width?: number; height?: number; module?: number; frames?: number } = {},
): void {
  const W = opts.width ?? 640;
  const H = opts.height ?? 480;
  const qr = QRCode.create([{ data: text, mode: 'alphanumeric' }], { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const m = opts.module ?? Math.floor((Math.min(W, H) * 0.8) / (n + 8));
  const side = (n + 8) * m;
  const x0 = Math.floor((W - side) / 2);
  const y0 = Math.floor((H - side) / 2);
  const y = Buffer.alloc(W * H, 235); // white
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.data[r * n + c] !== 1) continue;
      for (let dy = 0; dy < m; dy++)
        y.fill(16, (y0 + (r + 4) * m + dy) * W + x0 + (c + 4) * m, (y0 + (r + 4) * m + dy) * W + x0 + (c + 5) * m);
    }
  }
  const uv = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, uv, uv]);
  const frames = Array.from({ length: opts.frames ?? 2 }, () => frame);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
}
