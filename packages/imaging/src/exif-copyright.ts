/** The EXIF fields a policy with `keepCopyright` carries over (IFD0 Copyright and Artist). */
export interface CopyrightFields {
  Copyright?: string;
  Artist?: string;
}

const TAGS: Readonly<Record<number, keyof CopyrightFields>> = { 0x8298: 'Copyright', 0x013b: 'Artist' };
const ASCII = 2;
const MAX_LENGTH = 1024;

/**
 * Reads IFD0 `Copyright` and `Artist` from an EXIF block as sharp reports it (`metadata().exif`:
 * optionally `Exif\0\0`, then a TIFF header). A small reader rather than a dependency: two
 * ASCII tags in the first IFD are all it needs. Malformed or absent data gives `{}`, never an
 * error — metadata never rejects an image. Values are trimmed, NUL-terminated, ≤ 1024 chars.
 */
export function readCopyright(exif: Buffer | undefined): CopyrightFields {
  if (!exif) return {};
  const tiff = exif.toString('latin1', 0, 6) === 'Exif\0\0' ? exif.subarray(6) : exif;
  if (tiff.length < 8) return {};
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return {};
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const fields: CopyrightFields = {};
  try {
    const ifd = u32(4);
    const entries = u16(ifd);
    for (let i = 0; i < entries; i++) {
      const entry = ifd + 2 + i * 12;
      const name = TAGS[u16(entry)];
      if (!name || u16(entry + 2) !== ASCII) continue;
      const count = Math.min(u32(entry + 4), MAX_LENGTH);
      const start = count <= 4 ? entry + 8 : u32(entry + 8);
      if (start + count > tiff.length) continue;
      const value = tiff
        .toString('latin1', start, start + count)
        .split('\0')[0]!
        .trim();
      if (value) fields[name] = value;
    }
  } catch {
    return {};
  }
  return fields;
}
