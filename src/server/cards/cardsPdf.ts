import PDFDocument from 'pdfkit';
import { formatYuan } from '../../shared/domain/money';
import { holderCode } from '../../shared/voucher/token';
import type { Campaign } from '../../shared/voucher/manifest';
import type { CjkFont } from './fonts';
import { voucherQr } from './qrMatrix';

export interface CardData {
  token: string;
  faceValueFen: number;
  validFrom: number;
  validUntil: number;
  holderTag: string;
  campaign: Pick<Campaign, 'names' | 'funder' | 'kind'>;
}

export interface CardsOptions {
  fonts: { regular: CjkFont; bold: CjkFont };
  /** IANA zone for the dates printed on the card. */
  timeZone: string;
}

const MM = 72 / 25.4;
const PAGE = { w: 210 * MM, h: 297 * MM };
const CARD = { w: 90 * MM, h: 60 * MM };
const COLS = 2;
const ROWS = 4;
const GAP = { x: 6 * MM, y: 6 * MM };
const MARGIN = { x: (PAGE.w - COLS * CARD.w - (COLS - 1) * GAP.x) / 2, y: (PAGE.h - ROWS * CARD.h - (ROWS - 1) * GAP.y) / 2 };

/**
 * Beneficiary cards on A4, eight to a page, for families without a smartphone: the QR, the value,
 * the campaign's Chinese name, validity, a short holder code and one line of instructions.
 * Cut along the dashed lines.
 */
export function renderCardsPdf(cards: CardData[], options: CardsOptions): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    info: { Title: '关爱券 Care vouchers', Producer: 'CareTill' },
  });
  doc.registerFont('cjk', options.fonts.regular.file, options.fonts.regular.family);
  doc.registerFont('cjk-bold', options.fonts.bold.file, options.fonts.bold.family);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const date = dateFormatter(options.timeZone);

  cards.forEach((card, i) => {
    const slot = i % (COLS * ROWS);
    if (slot === 0) doc.addPage();
    const x = MARGIN.x + (slot % COLS) * (CARD.w + GAP.x);
    const y = MARGIN.y + Math.floor(slot / COLS) * (CARD.h + GAP.y);
    drawCard(doc, card, x, y, date);
  });
  if (cards.length === 0) doc.addPage();
  doc.end();
  return done;
}

function drawCard(doc: PDFKit.PDFDocument, card: CardData, x: number, y: number, date: (unixSeconds: number) => string): void {
  doc.save().lineWidth(0.5).dash(3, { space: 3 }).strokeColor('#888888').rect(x, y, CARD.w, CARD.h).stroke().undash().restore();

  // QR on the left, with its 4-module quiet zone inside the square.
  const qr = voucherQr(card.token);
  const qrSide = 42 * MM;
  const module = qrSide / (qr.size + 8);
  const qx = x + 3 * MM;
  const qy = y + (CARD.h - qrSide) / 2 - 2 * MM;
  doc.save().fillColor('#000000');
  for (let r = 0; r < qr.size; r++) {
    let c = 0;
    while (c < qr.size) {
      if (!qr.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < qr.size && qr.dark(r, c)) c++;
      // Runs of dark modules as one rectangle; a hair of overlap avoids white seams in viewers.
      doc.rect(qx + (4 + start) * module, qy + (4 + r) * module, (c - start) * module, module + 0.05);
    }
  }
  doc.fill().restore();

  const tx = qx + qrSide + 2 * MM;
  const tw = x + CARD.w - tx - 3 * MM;
  let ty = y + 4 * MM;
  doc
    .font('cjk-bold')
    .fontSize(10)
    .fillColor('#b91c1c')
    .text(card.campaign.names.zh, tx, ty, { width: tw, height: 12 * MM, ellipsis: true });
  ty = doc.y + 1.5 * MM;
  doc.font('cjk-bold').fontSize(20).fillColor('#000000').text(formatYuan(card.faceValueFen), tx, ty, { width: tw });
  ty = doc.y + 0.5 * MM;
  doc.font('cjk').fontSize(7.5).fillColor('#333333');
  doc.text(card.campaign.kind === 'fixed' ? '一次性使用，不找零' : '可多次使用，直至用完', tx, ty, { width: tw });
  doc.text(`有效期 ${date(card.validFrom)} 至 ${date(card.validUntil)}`, { width: tw });
  doc
    .font('cjk-bold')
    .fontSize(9)
    .fillColor('#000000')
    .text(`持券码 ${holderCode(card.holderTag)}`, { width: tw });
  doc
    .font('cjk')
    .fontSize(7)
    .fillColor('#555555')
    .text(card.campaign.funder.zh, { width: tw, height: 9 * MM, ellipsis: true });

  doc
    .font('cjk')
    .fontSize(7.5)
    .fillColor('#000000')
    .text('在指定商店结账时出示此码即可使用。请妥善保管，勿折叠、勿外借。', x + 3 * MM, y + CARD.h - 7 * MM, {
      width: CARD.w - 6 * MM,
      align: 'center',
    });
}

function dateFormatter(timeZone: string): (unixSeconds: number) => string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (s) => f.format(new Date(s * 1000));
}
