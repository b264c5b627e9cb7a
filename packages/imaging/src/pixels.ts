import sharp, { type Sharp } from 'sharp';

/** Decoded, oriented, resized pixels: 8-bit interleaved RGB or RGBA, row-major. */
export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** A sharp pipeline reading `pixels` (no decoding: raw input). */
export function fromPixels(pixels: Pixels): Sharp {
  return sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } });
}

/** The luma (libvips `b-w`) of an image, alpha flattened onto white, as one byte per pixel. */
export async function lumaOf(image: Sharp): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await image.flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The same pixels as RGB: an alpha channel that is opaque everywhere only costs bytes. */
export function withoutAlpha(pixels: Pixels): Pixels {
  if (pixels.channels === 3) return pixels;
  const count = pixels.width * pixels.height;
  const data = Buffer.allocUnsafe(count * 3);
  for (let i = 0, o = 0; i < count * 4; i += 4, o += 3) {
    data[o] = pixels.data[i]!;
    data[o + 1] = pixels.data[i + 1]!;
    data[o + 2] = pixels.data[i + 2]!;
  }
  return { data, width: pixels.width, height: pixels.height, channels: 3 };
}

/** `pixels` resized to exactly `width` × `height` (lanczos3), as pixels again. */
export async function resizePixels(pixels: Pixels, width: number, height: number): Promise<Pixels> {
  const { data, info } = await fromPixels(pixels)
    .resize({ width, height, fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: pixels.channels };
}
