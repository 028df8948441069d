#!/usr/bin/env node
// `npm run icons`: draws CareTill's icon (a white heart on a teal tile) and writes
// resources/icon.svg (the source, for documents), resources/icon.png (512 px, Linux) and
// resources/icon.ico (16–256 px, Windows and the NSIS installer). Drawn from the same outline at each
// size rather than scaled down, so the small sizes stay sharp. Needs only pngjs (a devDependency).
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'resources');
const TEAL = [15, 118, 110];
const WHITE = [255, 255, 255];

/** The heart as a polygon in a 0..1 square: the classic curve x = 16 sin³t, y = 13 cos t − 5 cos 2t − 2 cos 3t − cos 4t. */
function heart(points = 360) {
  const poly = [];
  for (let i = 0; i < points; i++) {
    const t = (i / points) * 2 * Math.PI;
    const x = 16 * Math.sin(t) ** 3;
    const y = 13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t);
    poly.push([0.5 + x / 46, 0.47 - y / 46]);
  }
  return poly;
}

const HEART = heart();
const BOX = HEART.reduce(([x0, y0, x1, y1], [x, y]) => [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)], [1, 1, 0, 0]);
const TILE = { inset: 0.04, radius: 0.2 };

function inTile(x, y) {
  const { inset: a, radius: r } = TILE;
  if (x < a || y < a || x > 1 - a || y > 1 - a) return false;
  const cx = Math.min(Math.max(x, a + r), 1 - a - r);
  const cy = Math.min(Math.max(y, a + r), 1 - a - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inPolygon(poly, x, y) {
  if (x < BOX[0] || y < BOX[1] || x > BOX[2] || y > BOX[3]) return false;
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** RGBA pixels of the icon at `size`, 4×4 samples a pixel. */
function draw(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let mark = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          if (inTile(x, y)) {
            tile++;
            if (inPolygon(HEART, x, y)) mark++;
          }
        }
      }
      const i = (py * size + px) * 4;
      const alpha = tile / (n * n);
      const m = tile ? mark / tile : 0;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(TEAL[c] * (1 - m) + WHITE[c] * m);
      rgba[i + 3] = Math.round(alpha * 255);
    }
  }
  return rgba;
}

function png(size) {
  const image = new PNG({ width: size, height: size });
  draw(size).copy(image.data);
  return PNG.sync.write(image);
}

/** A 32-bit BMP entry (XOR bitmap bottom-up in BGRA, then the 1-bit AND mask), as Windows and NSIS read best below 256 px. */
function bmp(size) {
  const rgba = draw(size);
  const maskRow = Math.ceil(size / 32) * 4;
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(size * size * 4 + maskRow * size, 20);
  const pixels = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(maskRow * size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y;
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 4;
      const d = (row * size + x) * 4;
      pixels[d] = rgba[s + 2];
      pixels[d + 1] = rgba[s + 1];
      pixels[d + 2] = rgba[s];
      pixels[d + 3] = rgba[s + 3];
      if (rgba[s + 3] === 0) mask[row * maskRow + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return Buffer.concat([header, pixels, mask]);
}

function ico(sizes) {
  const images = sizes.map((s) => (s >= 256 ? png(s) : bmp(s)));
  const dir = Buffer.alloc(6 + 16 * sizes.length);
  dir.writeUInt16LE(1, 2);
  dir.writeUInt16LE(sizes.length, 4);
  let offset = dir.length;
  sizes.forEach((s, i) => {
    const e = 6 + 16 * i;
    dir.writeUInt8(s >= 256 ? 0 : s, e);
    dir.writeUInt8(s >= 256 ? 0 : s, e + 1);
    dir.writeUInt16LE(1, e + 4);
    dir.writeUInt16LE(32, e + 6);
    dir.writeUInt32LE(images[i].length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += images[i].length;
  });
  return Buffer.concat([dir, ...images]);
}

function svg() {
  const { inset: a, radius: r } = TILE;
  const k = (v) => (v * 512).toFixed(1);
  const d = HEART.filter((_, i) => i % 4 === 0)
    .map(([x, y], i) => `${i ? 'L' : 'M'}${k(x)} ${k(y)}`)
    .join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">
  <title>关爱收银台 CareTill</title>
  <rect x="${k(a)}" y="${k(a)}" width="${k(1 - 2 * a)}" height="${k(1 - 2 * a)}" rx="${k(r)}" fill="rgb(${TEAL.join(',')})"/>
  <path d="${d} Z" fill="#fff"/>
</svg>
`;
}

fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'icon.svg'), svg());
fs.writeFileSync(path.join(out, 'icon.png'), png(512));
fs.writeFileSync(path.join(out, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256]));
console.log('wrote resources/icon.svg, icon.png (512 px) and icon.ico (16–256 px)');
