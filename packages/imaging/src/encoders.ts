import type { ImageFormat } from '@ingestkit/contracts';
import type { Sharp } from 'sharp';
import type { CopyrightFields } from './exif-copyright';
import { encoderQuality } from './quality-scale';

/**
 * `lossy` at `quality`; `lossless` keeps every pixel; `palette` is lossless for images of at
 * most 256 colours (callers check that) and lets PNG write an exact palette.
 */
export type EncodeMode = 'lossy' | 'lossless' | 'palette';

/** How to encode one output. `quality` is nominal (mozjpeg scale), used by `lossy` only. */
export interface EncodeSpec {
  format: Exclude<ImageFormat, 'tiff' | 'heic'>;
  mode: EncodeMode;
  quality: number;
  /** Chroma at full resolution (4:4:4): graphics, text-like images, master files. */
  fullChroma: boolean;
  progressive: boolean;
  /** Keep all frames (GIF/WebP output of an animation). */
  animated: boolean;
  /** EXIF to write (only copyright fields ever are); empty: none. */
  copyright: CopyrightFields;
  /**
   * Lower encoder effort for secondary outputs (responsive variants): AVIF effort 2 instead of
   * 4. Other formats ignore it (lossy WebP is at method 2 for every output, see
   * {@link applyEncoder}).
   */
  fast?: boolean;
}

/**
 * Applies the output options of `spec` to a pipeline. Per format:
 * - JPEG: mozjpeg, progressive by default, 4:2:0 chroma for photos and 4:4:4 otherwise; alpha
 *   is flattened onto white (JPEG has none);
 * - WebP: lossy at the mapped quality (libwebp always subsamples chroma 4:2:0), or lossless;
 *   lossy at method 2 for the main output, the variants and animations alike. On the 16 mate-backgrounds
 *   photos fit into 2000 px, at the same quality, method 2 took 103 ms of CPU per photo against
 *   218 for method 4 (method 3 costs as much as 4) for 1.4 % more bytes; method 1 took 80 ms
 *   for 3.5 % more than method 2, method 0 62 ms for 8 % more. The `auto` search trials use the same method,
 *   so the quality it finds is the one that reaches the SSIM target at method 2;
 * - PNG: `palette` writes an exact palette (no dither, libimagequant effort 10); `lossless`
 *   truecolour at zlib level 9 with adaptive filtering (maximum effort); `lossy` quantises to
 *   a palette at `quality` (the caller checks it stays visually lossless);
 * - AVIF: the mapped quality, effort 4 (2 when `fast`), chroma as for JPEG;
 * - GIF: palette, for animations asked to stay GIF.
 * Metadata: none is written but the copyright fields; sharp strips the rest by default.
 */
export function applyEncoder(image: Sharp, spec: EncodeSpec): Sharp {
  const q = encoderQuality(spec.format, spec.quality);
  const lossless = spec.mode !== 'lossy';
  const chromaSubsampling = spec.fullChroma ? '4:4:4' : '4:2:0';
  if (Object.keys(spec.copyright).length > 0) image = image.withExif({ IFD0: { ...spec.copyright } });
  switch (spec.format) {
    case 'jpeg':
      return image
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: lossless ? 100 : q, mozjpeg: true, progressive: spec.progressive, chromaSubsampling });
    case 'webp':
      return lossless ? image.webp({ lossless: true, effort: 4 }) : image.webp({ quality: q, effort: 2 });
    case 'png':
      if (spec.mode === 'palette') return image.png({ palette: true, colours: 256, dither: 0, effort: 10, quality: 100 });
      if (spec.mode === 'lossless') return image.png({ compressionLevel: 9, adaptiveFiltering: true, palette: false });
      return image.png({ palette: true, quality: q, effort: 7, compressionLevel: 9 });
    case 'avif':
      return image.avif({ quality: lossless ? 100 : q, lossless, effort: spec.fast ? 2 : 4, chromaSubsampling });
    case 'gif':
      return image.gif({ effort: 7 });
  }
}
