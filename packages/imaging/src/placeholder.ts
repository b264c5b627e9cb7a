import { fromPixels, type Pixels } from './pixels';

/** Long side of the placeholder, in pixels. */
export const PLACEHOLDER_SIZE = 24;

/**
 * A tiny, slightly blurred WebP of the output as a `data:` URI (typically 150–400 bytes), to
 * inline in HTML and show, stretched, while the image loads.
 */
export async function makePlaceholder(pixels: Pixels): Promise<string> {
  const data = await fromPixels(pixels)
    .resize({ width: PLACEHOLDER_SIZE, height: PLACEHOLDER_SIZE, fit: 'inside' })
    .blur(0.6)
    .webp({ quality: 40, alphaQuality: 40, effort: 6 })
    .toBuffer();
  return `data:image/webp;base64,${data.toString('base64')}`;
}
