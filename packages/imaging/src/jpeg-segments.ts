import type { FileHandle } from 'node:fs/promises';

/** Reads `length` bytes at `position`; fewer at the end of the input. */
export type ReadAt = (position: number, length: number) => Promise<Buffer>;

/** Stop after this many segments: a header with more is hostile whatever their size. */
const MAX_SEGMENTS = 4096;

/**
 * Total bytes of a JPEG's metadata segments — APP0–APP15 (JFIF, EXIF, XMP, ICC, Photoshop/IPTC,
 * Adobe) and COM — from SOI up to the first frame or scan marker. Reads 4 bytes per segment
 * and skips the bodies, so a header holding hundreds of megabytes of metadata costs a few
 * hundred small reads, never the metadata itself. Stops early once `stopAbove` is passed.
 * Returns what it counted when the structure ends or breaks; the decoder judges the rest.
 */
export async function jpegMetadataBytes(read: ReadAt, stopAbove = Number.POSITIVE_INFINITY): Promise<number> {
  let position = 2; // after SOI
  let total = 0;
  for (let segment = 0; segment < MAX_SEGMENTS && total <= stopAbove; segment++) {
    const head = await read(position, 4);
    if (head.length < 4 || head[0] !== 0xff) return total;
    const marker = head[1]!;
    if (marker === 0xff) {
      position += 1; // fill byte
      continue;
    }
    const isMetadata = (marker >= 0xe0 && marker <= 0xef) || marker === 0xfe;
    const length = head.readUInt16BE(2);
    if (!isMetadata && marker !== 0xdb && marker !== 0xc4 && marker !== 0xdd) return total; // SOFn, SOS, …: the image starts
    if (isMetadata) total += length + 2;
    position += 2 + length;
  }
  return total;
}

/** A {@link ReadAt} over bytes in memory. */
export function readAtBuffer(data: Buffer): ReadAt {
  return async (position, length) => data.subarray(position, position + length);
}

/** A {@link ReadAt} over an open file. */
export function readAtFile(file: FileHandle): ReadAt {
  return async (position, length) => {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  };
}
