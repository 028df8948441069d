import fs from 'node:fs';

/**
 * A font with Chinese glyphs for the card PDF. pdfkit embeds (and subsets) it, so the PDF shows
 * Chinese on any reader. TrueType collections need the PostScript name of the face to use.
 */
export interface CjkFont {
  file: string;
  /** Face name inside a .ttc collection. */
  family?: string;
}

const CANDIDATES: Array<{ regular: CjkFont; bold?: CjkFont }> = [
  {
    regular: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
    bold: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', family: 'NotoSansCJKsc-Bold' },
  },
  { regular: { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' } },
  { regular: { file: 'C:\\Windows\\Fonts\\simhei.ttf' } },
  { regular: { file: '/System/Library/Fonts/Supplemental/Songti.ttc', family: 'STSongti-SC-Regular' } },
];

export function findCjkFont(explicit?: string): { regular: CjkFont; bold: CjkFont } {
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`font file ${explicit} does not exist`);
    return { regular: { file: explicit }, bold: { file: explicit } };
  }
  const found = CANDIDATES.find((c) => fs.existsSync(c.regular.file));
  if (!found) {
    throw new Error('no Chinese font found: install fonts-noto-cjk (Debian: apt-get install fonts-noto-cjk) or pass --font FILE.ttf');
  }
  return { regular: found.regular, bold: found.bold && fs.existsSync(found.bold.file) ? found.bold : found.regular };
}
