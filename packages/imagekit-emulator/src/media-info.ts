/** What the emulator can tell about uploaded bytes without decoding them. */
export interface MediaInfo {
  mime: string;
  fileType: 'image' | 'non-image';
  width?: number;
  height?: number;
  hasAlpha?: boolean;
}

const EXTENSION_MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  pdf: 'application/pdf',
  json: 'application/json',
  txt: 'text/plain',
  mp4: 'video/mp4',
  webm: 'video/webm',
};

/** The MIME type for a file name's extension, `application/octet-stream` when unknown. */
export function mimeFromName(fileName: string): string {
  const extension = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  return EXTENSION_MIME[extension] ?? 'application/octet-stream';
}

/**
 * Sniffs PNG, JPEG, GIF and WebP headers for type and dimensions; other content is typed by the
 * file name's extension. Only images (by sniffing or extension) get `fileType: 'image'`.
 */
export function inspectMedia(bytes: Buffer, fileName: string): MediaInfo {
  const sniffed = sniffPng(bytes) ?? sniffGif(bytes) ?? sniffWebp(bytes) ?? sniffJpeg(bytes);
  if (sniffed) return sniffed;
  const mime = mimeFromName(fileName);
  return { mime, fileType: mime.startsWith('image/') ? 'image' : 'non-image' };
}

function sniffPng(b: Buffer): MediaInfo | undefined {
  if (b.length < 26 || b.readUInt32BE(0) !== 0x89504e47) return undefined;
  const colorType = b[25] ?? 0;
  return {
    mime: 'image/png',
    fileType: 'image',
    width: b.readUInt32BE(16),
    height: b.readUInt32BE(20),
    hasAlpha: colorType === 4 || colorType === 6,
  };
}

function sniffGif(b: Buffer): MediaInfo | undefined {
  if (b.length < 10 || b.toString('latin1', 0, 4) !== 'GIF8') return undefined;
  return { mime: 'image/gif', fileType: 'image', width: b.readUInt16LE(6), height: b.readUInt16LE(8), hasAlpha: false };
}

function sniffWebp(b: Buffer): MediaInfo | undefined {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  const chunk = b.toString('latin1', 12, 16);
  const info: MediaInfo = { mime: 'image/webp', fileType: 'image', hasAlpha: false };
  if (chunk === 'VP8 ') {
    info.width = b.readUInt16LE(26) & 0x3fff;
    info.height = b.readUInt16LE(28) & 0x3fff;
  } else if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    info.width = (bits & 0x3fff) + 1;
    info.height = ((bits >> 14) & 0x3fff) + 1;
    info.hasAlpha = ((bits >> 28) & 1) === 1;
  } else if (chunk === 'VP8X') {
    info.width = b.readUIntLE(24, 3) + 1;
    info.height = b.readUIntLE(27, 3) + 1;
    info.hasAlpha = ((b[20] ?? 0) & 0x10) !== 0;
  }
  return info;
}

function sniffJpeg(b: Buffer): MediaInfo | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  const info: MediaInfo = { mime: 'image/jpeg', fileType: 'image', hasAlpha: false };
  let offset = 2;
  while (offset + 9 < b.length) {
    if (b[offset] !== 0xff) return info;
    const marker = b[offset + 1] ?? 0;
    const length = b.readUInt16BE(offset + 2);
    // SOF0..SOF15 carry the dimensions, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      info.height = b.readUInt16BE(offset + 5);
      info.width = b.readUInt16BE(offset + 7);
      return info;
    }
    offset += 2 + length;
  }
  return info;
}
