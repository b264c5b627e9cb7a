import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { makeJpeg, makePng, type FixtureSize } from './fixtures';

const run = promisify(execFile);

// HEIC fixtures are encoded at test time by `heif-enc` (Debian package libheif-examples, which
// CI installs): sharp's prebuilt libvips has no HEVC encoder. `heif-enc` copies EXIF and the
// ICC profile from its input but writes no rotation or mirror property, so `withHeifTransform`
// adds them the way phones store them.

/** Options of {@link makeHeic}. */
export interface HeicFixtureOptions extends FixtureSize {
  /** heif-enc quality. Default 80. */
  quality?: number;
  /** Store the pixels in Display P3 with its ICC profile (converted from the sRGB generator). */
  p3?: boolean;
  /** Add an EXIF block whose Orientation tag is this (1–8), as Apple's files carry one. */
  exifOrientation?: number;
  /** Rotation (`irot`, degrees anti-clockwise) and mirror (`imir`) of the primary image. */
  transform?: HeifTransform;
  /** Top-level images in the file (heif-enc stores each input as one; the first is primary). Default 1. */
  images?: number;
}

/** HEIF transformation properties: `irot` anti-clockwise degrees, `imir` axis. */
export interface HeifTransform {
  rotateCcw?: 0 | 90 | 180 | 270;
  /** `vertical`: left and right swap (imir axis 0); `horizontal`: top and bottom swap (axis 1). */
  mirror?: 'vertical' | 'horizontal';
}

/** A photo-like HEIC encoded by `heif-enc` from the same pixels as `makeJpeg`/`makePng` with that seed. */
export async function makeHeic(options: HeicFixtureOptions): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'heic-fixture-'));
  try {
    let source: Buffer;
    let name: string;
    if (options.exifOrientation !== undefined) {
      source = await makeJpeg({ ...options, quality: 95, orientation: options.exifOrientation });
      name = 'in.jpg';
    } else {
      source = await makePng(options);
      if (options.p3) source = await sharp(source).withIccProfile('p3').png().toBuffer();
      name = 'in.png';
    }
    await writeFile(path.join(dir, name), source);
    const out = path.join(dir, 'out.heic');
    const inputs = Array.from({ length: options.images ?? 1 }, () => path.join(dir, name));
    await run('heif-enc', ['-q', String(options.quality ?? 80), '--no-alpha', '-o', out, ...inputs]);
    const heic = await readFile(out);
    return options.transform ? withHeifTransform(heic, options.transform) : heic;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The reference decode of a HEIC: Debian's `heif-convert` (native libheif and libde265, the
 * transformations applied) to a PNG. Independent of the WebAssembly decoder under test.
 */
export async function referenceDecodeHeic(heic: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'heic-reference-'));
  try {
    await writeFile(path.join(dir, 'in.heic'), heic);
    await run('heif-convert', ['--quiet', path.join(dir, 'in.heic'), path.join(dir, 'out.png')]);
    return await readFile(path.join(dir, 'out.png'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Box {
  type: string;
  start: number;
  /** First byte after the header (and after version/flags for full boxes). */
  body: number;
  end: number;
}

const FULL_BOXES = new Set(['meta', 'ipma', 'iloc', 'pitm']);

function childBoxes(buf: Buffer, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  for (let at = from; at + 8 <= to;) {
    const size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (size < 8) throw new Error(`unsupported box size ${size} (${type})`);
    boxes.push({ type, start: at, body: at + 8 + (FULL_BOXES.has(type) ? 4 : 0), end: at + size });
    at += size;
  }
  return boxes;
}

function find(boxes: Box[], type: string): Box {
  const box = boxes.find((b) => b.type === type);
  if (!box) throw new Error(`no ${type} box`);
  return box;
}

/**
 * Adds `irot`/`imir` properties to the primary item of a single-image HEIF (as written by
 * heif-enc: `meta` before `mdat`, file-offset extents): appends them to `ipco`, associates them
 * (essential) in `ipma`, grows the enclosing boxes and shifts the `iloc` offsets by the bytes
 * inserted.
 */
export function withHeifTransform(heic: Buffer, transform: HeifTransform): Buffer {
  const top = childBoxes(heic, 0, heic.length);
  const meta = find(top, 'meta');
  const inMeta = childBoxes(heic, meta.body, meta.end);
  const iprp = find(inMeta, 'iprp');
  const ipco = find(childBoxes(heic, iprp.body, iprp.end), 'ipco');
  const ipma = find(childBoxes(heic, iprp.body, iprp.end), 'ipma');
  const pitm = find(inMeta, 'pitm');
  const primary = heic[pitm.start + 8] === 0 ? heic.readUInt16BE(pitm.body) : heic.readUInt32BE(pitm.body);

  const properties: Buffer[] = [];
  if (transform.rotateCcw) properties.push(property('irot', transform.rotateCcw / 90));
  if (transform.mirror) properties.push(property('imir', transform.mirror === 'vertical' ? 0 : 1));
  const firstIndex = childBoxes(heic, ipco.start + 8, ipco.end).length + 1;

  const ipmaVersion = heic[ipma.start + 8]!;
  const wideIndex = (heic[ipma.start + 11]! & 1) === 1;
  const associations = Buffer.concat(
    properties.map((_, i) => {
      const index = firstIndex + i;
      return wideIndex ? Buffer.from([0x80 | (index >> 8), index & 255]) : Buffer.from([0x80 | index]);
    }),
  );
  let at = ipma.body + 4;
  let insertAt = -1;
  let countAt = -1;
  for (let entries = heic.readUInt32BE(ipma.body); entries > 0; entries--) {
    const item = ipmaVersion < 1 ? heic.readUInt16BE(at) : heic.readUInt32BE(at);
    at += ipmaVersion < 1 ? 2 : 4;
    const count = heic[at]!;
    if (item === primary) countAt = at;
    at += 1 + count * (wideIndex ? 2 : 1);
    if (item === primary) insertAt = at;
  }
  if (insertAt < 0) throw new Error('primary item has no ipma entry');
  const propertyBytes = Buffer.concat(properties);
  const delta = propertyBytes.length + associations.length;

  const out = Buffer.concat([
    heic.subarray(0, ipco.end),
    propertyBytes,
    heic.subarray(ipco.end, insertAt),
    associations,
    heic.subarray(insertAt),
  ]);
  const shifted = (position: number) => (position >= ipco.end ? position + propertyBytes.length : position);
  for (const box of [meta, iprp]) out.writeUInt32BE(box.end - box.start + delta, box.start);
  out.writeUInt32BE(ipco.end - ipco.start + propertyBytes.length, ipco.start);
  out.writeUInt32BE(ipma.end - ipma.start + associations.length, shifted(ipma.start));
  out[shifted(countAt)] = heic[countAt]! + properties.length;
  shiftIlocOffsets(out, find(inMeta, 'iloc'), delta);
  return out;
}

function property(type: 'irot' | 'imir', value: number): Buffer {
  const box = Buffer.alloc(9);
  box.writeUInt32BE(9, 0);
  box.write(type, 4, 'latin1');
  box[8] = value;
  return box;
}

/** Adds `delta` to every file offset in `iloc` (it precedes `iprp`, so its position is unchanged). */
function shiftIlocOffsets(buf: Buffer, iloc: Box, delta: number): void {
  const version = buf[iloc.start + 8]!;
  const offsetSize = buf[iloc.body]! >> 4;
  const lengthSize = buf[iloc.body]! & 15;
  const baseOffsetSize = buf[iloc.body + 1]! >> 4;
  const indexSize = version >= 1 ? buf[iloc.body + 1]! & 15 : 0;
  let at = iloc.body + 2;
  const add = (size: number) => {
    if (size === 4) buf.writeUInt32BE(buf.readUInt32BE(at) + delta, at);
    else if (size === 8) buf.writeBigUInt64BE(buf.readBigUInt64BE(at) + BigInt(delta), at);
    at += size;
  };
  const items = version < 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
  at += version < 2 ? 2 : 4;
  for (let i = 0; i < items; i++) {
    at += version < 2 ? 2 : 4; // item_ID
    let method = 0;
    if (version >= 1) {
      method = buf.readUInt16BE(at) & 15;
      at += 2;
    }
    at += 2; // data_reference_index
    const fileOffsets = method === 0;
    if (fileOffsets && baseOffsetSize > 0) add(baseOffsetSize);
    else at += baseOffsetSize;
    const extents = buf.readUInt16BE(at);
    at += 2;
    for (let e = 0; e < extents; e++) {
      at += indexSize;
      if (fileOffsets && baseOffsetSize === 0) add(offsetSize);
      else at += offsetSize;
      at += lengthSize;
    }
  }
}
