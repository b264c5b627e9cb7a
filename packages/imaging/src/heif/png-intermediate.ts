import { crc32, deflateSync } from 'node:zlib';
import type { HeifPixels } from './heif-file';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Decoded HEIF pixels as a PNG that libvips reads back exactly: 8-bit RGB(A), the ICC profile
 * in `iCCP`, no other metadata (so nothing can rotate or describe the pixels a second time),
 * and stored deflate blocks (zlib level 0): the bytes live for one image in memory, so
 * compressing them would only cost CPU. sharp cannot attach a profile given as bytes to raw
 * pixels, hence a small PNG writer here rather than `sharp(raw).png()`.
 */
export function toPngIntermediate(pixels: HeifPixels, icc: Buffer | undefined): Buffer {
  const { width, height, channels, data } = pixels;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 4 ? 6 : 2; // truecolour with or without alpha
  const row = width * channels;
  const filtered = Buffer.alloc((row + 1) * height); // filter byte 0 (none) before each row
  for (let y = 0; y < height; y++) data.copy(filtered, y * (row + 1) + 1, y * row, (y + 1) * row);
  const parts = [SIGNATURE, chunk('IHDR', header)];
  if (icc) parts.push(chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), deflateSync(icc)])));
  parts.push(chunk('IDAT', deflateSync(filtered, { level: 0 })), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

function chunk(type: string, body: Buffer): Buffer {
  const out = Buffer.alloc(body.length + 12);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}
