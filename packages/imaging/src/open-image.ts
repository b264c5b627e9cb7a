import sharp, { type Sharp } from 'sharp';
import type { ImagingLimits } from './limits';

/** An input sharp can read: a file path or the bytes themselves. */
export type ImageInput = string | Buffer;

/**
 * A sharp instance set up to decode untrusted pixels: `failOn: 'warning'` (a truncated or
 * damaged stream aborts instead of decoding as grey), `limitInputPixels` from the limits
 * (sharp compares it with width × height of the whole decoded strip, so all frames of an
 * animation count), and all frames when `animated`.
 *
 * Every instance in this package that decodes pixel data comes from here; only the header
 * read in `probeImage` opens sharp differently, because it must see dimensions beyond the
 * limit in order to report them.
 */
export function openImage(input: ImageInput, limits: ImagingLimits, animated: boolean): Sharp {
  return sharp(input, {
    failOn: 'warning',
    limitInputPixels: limits.maxInputPixels,
    animated,
  });
}
