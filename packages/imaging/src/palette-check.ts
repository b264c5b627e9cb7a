import sharp from 'sharp';
import { sampleOf } from './auto-quality';
import { fromPixels, lumaOf, type Pixels } from './pixels';
import { ssim } from './ssim';

/** Luma SSIM a 256-colour palette must keep to count as visually lossless. */
export const PALETTE_SSIM = 0.99;

/**
 * Whether quantising these pixels to a 256-colour palette (libimagequant at quality 90, with
 * dithering) stays visually lossless — luma SSIM ≥ {@link PALETTE_SSIM} on the same sample
 * the `auto` quality search uses. Decides palette or truecolour for PNG output of photos.
 */
export async function isVisuallyLosslessPalette(pixels: Pixels): Promise<boolean> {
  const sample = sampleOf(pixels);
  const quantised = await fromPixels(sample).png({ palette: true, quality: 90, effort: 4 }).toBuffer();
  const score = ssim(await lumaOf(fromPixels(sample)), await lumaOf(sharp(quantised)));
  return score >= PALETTE_SSIM;
}
