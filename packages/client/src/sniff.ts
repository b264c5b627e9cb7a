import type { ImageContentType } from '@ingestkit/contracts';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  signature.every((byte, i) => bytes[offset + i] === byte);
const ascii = (bytes: Uint8Array, text: string, offset: number) =>
  startsWith(
    bytes,
    [...text].map((c) => c.charCodeAt(0)),
    offset,
  );

/** Bytes {@link sniffImageType} needs from the start of a file. */
export const SNIFF_BYTES = 32;

/**
 * The image type of a file from its first bytes (JPEG, PNG, WebP, GIF, AVIF, TIFF: what the
 * gateway accepts), or undefined for anything else. Names and extensions are never consulted,
 * as on the server; the server still checks every file itself.
 */
export function sniffImageType(head: Uint8Array): ImageContentType | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(head, 'RIFF', 0) && ascii(head, 'WEBP', 8)) return 'image/webp';
  if (ascii(head, 'GIF87a', 0) || ascii(head, 'GIF89a', 0)) return 'image/gif';
  if (ascii(head, 'ftyp', 4) && (ascii(head, 'avif', 8) || ascii(head, 'avis', 8))) return 'image/avif';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  return undefined;
}
