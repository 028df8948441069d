import QRCode from 'qrcode';

export interface QrMatrix {
  size: number;
  version: number;
  dark(row: number, col: number): boolean;
}

/**
 * The QR for a voucher token, forced into alphanumeric mode at error correction M (DESIGN.md §4):
 * denser than byte mode, and what keeps a 160-character token at version 7.
 */
export function voucherQr(token: string): QrMatrix {
  const qr = QRCode.create([{ data: token, mode: 'alphanumeric' }], { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  return { size, version: qr.version, dark: (r, c) => data[r * size + c] === 1 };
}
