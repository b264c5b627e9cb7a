import type { ImageFormat } from '@ingestkit/contracts';

/**
 * How many leading bytes {@link sniffImageFormat} looks at. Callers read this many bytes of a
 * file (or fewer, if the file is shorter) and never more.
 */
export const SNIFF_BYTES = 32;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const AVIF_BRANDS = new Set(['avif', 'avis']);
/** HEVC-coded HEIF brands: still images (`heic`, `heix`), multi-layer (`heim`, `heis`) and sequences (`hevc`, `hevx`). */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);

/**
 * Identifies an image format from its magic bytes only — never from a file name or a declared
 * content type, which the uploader controls.
 *
 * Recognised: JPEG (`FF D8 FF`), PNG (8-byte signature), GIF (`GIF87a`/`GIF89a`), WebP
 * (`RIFF····WEBP`), AVIF (ISO-BMFF `ftyp` box whose major brand, or a compatible brand inside
 * the sniffed bytes, is `avif` or `avis`), HEIC (an `ftyp` box naming an HEVC brand such as `heic`
 * or `heix`, and no AVIF brand) and classic TIFF (`II*\0` / `MM\0*`). Everything else — text,
 * PDF, SVG/XML, BigTIFF, empty input — is `null`.
 *
 * A match promises only that the header looks right; whether the rest decodes is
 * `probeImage`'s job.
 *
 * @param head the first bytes of the input; only the first {@link SNIFF_BYTES} are read.
 */
export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  const bytes = head.subarray(0, SNIFF_BYTES);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (hasBrand(bytes, AVIF_BRANDS)) return 'avif';
  if (hasBrand(bytes, HEIC_BRANDS)) return 'heic';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return null;
}

/**
 * ISO-BMFF starts with a box `size(4) 'ftyp' major_brand(4) minor_version(4) compatible_brands…`.
 * Compatible brands are read up to the end of the box or of the sniffed bytes, whichever is first.
 */
function hasBrand(bytes: Uint8Array, brands: ReadonlySet<string>): boolean {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== 'ftyp') return false;
  if (brands.has(ascii(bytes, 8, 12))) return true;
  const boxSize = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const end = Math.min(bytes.length, boxSize);
  for (let offset = 16; offset + 4 <= end; offset += 4) {
    if (brands.has(ascii(bytes, offset, offset + 4))) return true;
  }
  return false;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  if (bytes.length < end) return '';
  return String.fromCharCode(...bytes.subarray(start, end));
}
