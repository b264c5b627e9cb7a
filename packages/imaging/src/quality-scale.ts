import type { ImageFormat } from '@ingestkit/contracts';

/**
 * Nominal quality (the mozjpeg scale, what a policy says) → the encoder's own quality, chosen so
 * that the formats look alike at the same number. Calibrated with this package's luma SSIM on six
 * photos of Debian's mate-backgrounds fit to 800 px (mozjpeg 4:2:0, WebP effort 4, AVIF effort 2):
 *
 * | nominal | SSIM (mozjpeg) | WebP | AVIF |
 * |--------:|---------------:|-----:|-----:|
 * | 30      | 0.944          | 12   | 29   |
 * | 40      | 0.957          | 33   | 35   |
 * | 50      | 0.964          | 48   | 40   |
 * | 60      | 0.970          | 60   | 43   |
 * | 75      | 0.978          | 79   | 52   |
 * | 85      | 0.984          | 86   | 63   |
 * | 90      | 0.987          | 91   | 78   |
 * | 95      | 0.991          | 96   | 90   |
 *
 * Between the rows the scale is linear. JPEG (and GIF/PNG, which have no lossy quality) use
 * the nominal value as it is.
 */
const scales: Partial<Record<ImageFormat, ReadonlyArray<readonly [number, number]>>> = {
  webp: [
    [1, 1],
    [30, 12],
    [40, 33],
    [50, 48],
    [60, 60],
    [75, 79],
    [85, 86],
    [90, 91],
    [95, 96],
    [100, 100],
  ],
  avif: [
    [1, 1],
    [30, 29],
    [40, 35],
    [50, 40],
    [60, 43],
    [75, 52],
    [85, 63],
    [90, 78],
    [95, 90],
    [100, 100],
  ],
};

/** The encoder quality for `format` that matches nominal quality `nominal` (1–100). */
export function encoderQuality(format: ImageFormat, nominal: number): number {
  const scale = scales[format];
  const q = Math.min(100, Math.max(1, Math.round(nominal)));
  if (!scale) return q;
  for (let i = 1; i < scale.length; i++) {
    const [x1, y1] = scale[i]!;
    const [x0, y0] = scale[i - 1]!;
    if (q <= x1) return Math.round(y0 + ((q - x0) * (y1 - y0)) / (x1 - x0));
  }
  return 100;
}
