import type { ImagingLimits } from './limits';
import { openImage, type ImageInput } from './open-image';
import type { Pixels } from './pixels';
import { toImagingError } from './sharp-errors';

/** Colour space of rendered pixels: sRGB, or Display P3 for wide-gamut inputs under a wide-gamut policy. */
export type Gamut = 'srgb' | 'p3';

/**
 * Decodes the input once into the pixels every output is encoded from: EXIF orientation
 * applied, fit inside the box without enlarging, converted to sRGB (or P3) through the
 * embedded profile. sharp's resize shrinks on load (JPEG DCT scaling, WebP scaled decoding),
 * as `thumbnail` does, so a 24 MP JPEG fit to 2000 px is never decoded at full size.
 *
 * Errors: `internal_error` (retryable) except limits and formats, since validation already
 * proved this input decodes.
 */
export async function renderPixels(
  input: ImageInput,
  box: { maxWidth: number; maxHeight: number },
  limits: ImagingLimits,
  gamut: Gamut,
): Promise<Pixels> {
  let image = openImage(input, limits, false)
    .rotate()
    .resize({ width: box.maxWidth, height: box.maxHeight, fit: 'inside', withoutEnlargement: true });
  image = gamut === 'p3' ? image.withIccProfile('p3') : image.toColourspace('srgb');
  try {
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 && info.channels !== 4) throw new Error(`unexpected ${info.channels} channels after sRGB conversion`);
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw toImagingError(err, 'decoding for optimization', 'internal_error');
  }
}
