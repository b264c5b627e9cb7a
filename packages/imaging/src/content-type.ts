import type { ImageFormat } from '@ingestkit/contracts';

const contentTypes: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tiff: 'image/tiff',
  heic: 'image/heic',
};

/** The IANA media type of an image format, e.g. `webp` → `image/webp`. */
export function imageContentType(format: ImageFormat): string {
  return contentTypes[format];
}
