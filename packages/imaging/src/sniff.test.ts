import { SNIFF_BYTES, sniffImageFormat } from './sniff';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : part)));

/** An ISO-BMFF `ftyp` box: size, 'ftyp', major brand, minor version 0, compatible brands. */
const ftyp = (major: string, ...compatible: string[]): Uint8Array => {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 0xf0], 'meta');
};

describe('sniffImageFormat', () => {
  it.each<[string, Uint8Array, string]>([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'jpeg'],
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'), 'png'],
    ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), 'gif'],
    ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), 'gif'],
    ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'webp'],
    ['AVIF (major brand avif)', ftyp('avif', 'mif1', 'avif', 'miaf'), 'avif'],
    ['AVIF sequence (major brand avis)', ftyp('avis', 'msf1', 'avis'), 'avif'],
    ['AVIF (avif only among compatible brands)', ftyp('mif1', 'miaf', 'avif'), 'avif'],
    ['HEIC (major brand heic, as iPhones write it)', ftyp('heic', 'mif1', 'heic'), 'heic'],
    ['HEIC 10-bit (major brand heix)', ftyp('heix', 'mif1', 'heix'), 'heic'],
    ['HEIC sequence (major brand hevc)', ftyp('hevc', 'msf1', 'hevc'), 'heic'],
    ['HEIF with heic among compatible brands', ftyp('mif1', 'heic', 'miaf'), 'heic'],
    ['HEIF naming both: AVIF wins (libvips decodes it)', ftyp('mif1', 'heic', 'avif'), 'avif'],
    ['TIFF little-endian', bytes('II', [0x2a, 0, 8, 0, 0, 0]), 'tiff'],
    ['TIFF big-endian', bytes('MM', [0, 0x2a, 0, 0, 0, 8]), 'tiff'],
  ])('recognises %s', (_name, head, format) => {
    expect(sniffImageFormat(head)).toBe(format);
  });

  it.each<[string, Uint8Array]>([
    ['empty input', new Uint8Array(0)],
    ['plain text', bytes('hello, this is not an image\n')],
    ['PDF', bytes('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')],
    ['XML prolog', bytes('<?xml version="1.0" encoding="UTF-8"?><svg/>')],
    ['HEIF with neither an HEVC nor an AVIF brand (JPEG-coded)', ftyp('mif1', 'mif1', 'miaf', 'jpeg')],
    ['MP4', ftyp('isom', 'isom', 'iso2', 'mp41')],
    ['BigTIFF', bytes('II', [0x2b, 0, 8, 0, 0, 0])],
    ['a RIFF that is not WebP (WAV)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['a truncated JPEG marker', bytes([0xff, 0xd8])],
    ['a truncated PNG signature', bytes([0x89], 'PNG')],
    ['GIF with an unknown version', bytes('GIF90a', [1, 0, 1, 0])],
  ])('returns null for %s', (_name, head) => {
    expect(sniffImageFormat(head)).toBeNull();
  });

  it('ignores brands that lie beyond the ftyp box', () => {
    // box size 16 (no compatible brands); "avif" follows in the next box, not in ftyp
    const head = bytes([0, 0, 0, 16], 'ftyp', 'mif1', [0, 0, 0, 0], [0, 0, 0, 8], 'avif');
    expect(sniffImageFormat(head)).toBeNull();
  });

  it(`reads only the first ${SNIFF_BYTES} bytes`, () => {
    const late = ftyp('mif1', 'miaf', 'MiHB', 'MiPr', 'tmap', 'avif');
    expect(late.length).toBeGreaterThan(SNIFF_BYTES);
    expect(sniffImageFormat(late)).toBeNull();
    expect(sniffImageFormat(late.subarray(0, 40))).toBeNull();
  });

  it('does not depend on what follows the magic bytes', () => {
    const jpeg = new Uint8Array(4096).fill(0x41);
    jpeg.set([0xff, 0xd8, 0xff]);
    expect(sniffImageFormat(jpeg)).toBe('jpeg');
  });
});
