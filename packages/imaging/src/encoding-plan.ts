import type { PixelAnalysis } from './analyse';
import type { EncodeMode, EncodeSpec } from './encoders';
import type { OptimizePolicy } from './policy';

/** What kind of content an output holds; decides lossy or lossless and the chroma. */
export type ContentClass = 'photo' | 'graphic' | 'animation';

/** An encoding to try; `optimizeImage` encodes every candidate and keeps the smallest. */
export type EncodeCandidate = Pick<EncodeSpec, 'format' | 'mode' | 'fullChroma'>;

/**
 * The encodings a still image may get under a policy, by content:
 *
 * | format | graphic (≤ 256 colours)          | photo                                              |
 * |--------|----------------------------------|----------------------------------------------------|
 * | auto   | palette PNG and lossless WebP    | delivery: lossy WebP (AVIF if allowed), 4:2:0;     |
 * |        | (the smaller wins)               | master: mozjpeg 4:4:4, or lossy WebP with alpha    |
 * | jpeg   | lossy, 4:4:4                     | lossy, 4:2:0 (4:4:4 on master policies)            |
 * | webp   | lossless                         | lossy                                              |
 * | png    | palette                          | palette if visually lossless (checked in `optimizeImage`), else lossless |
 * | avif   | lossy, 4:4:4                     | lossy, 4:2:0 (4:4:4 on master policies)            |
 *
 * Graphics stay exact because a palette holds them without loss and lossy codecs blur the
 * hard edges of text and line art; master policies keep full chroma so that ImageKit's
 * re-encode does not subsample twice.
 */
export function planEncoding(policy: OptimizePolicy, analysis: PixelAnalysis): EncodeCandidate[] {
  const isMaster = policy.kind === 'master';
  const graphic = analysis.isGraphic;
  const lossy = (format: EncodeCandidate['format'], fullChroma = graphic || isMaster): EncodeCandidate => ({
    format,
    mode: 'lossy',
    fullChroma,
  });
  const exact = (format: EncodeCandidate['format'], mode: EncodeMode): EncodeCandidate => ({ format, mode, fullChroma: true });
  switch (policy.format) {
    case 'auto':
      if (graphic) return [exact('png', 'palette'), exact('webp', 'lossless')];
      if (isMaster) return [analysis.isOpaque ? lossy('jpeg', true) : lossy('webp', true)];
      return [lossy(policy.allowAvif ? 'avif' : 'webp', false)];
    case 'jpeg':
      return [lossy('jpeg')];
    case 'webp':
      return [graphic ? exact('webp', 'lossless') : lossy('webp')];
    case 'png':
      return [graphic ? exact('png', 'palette') : exact('png', 'lossless')];
    case 'avif':
      return [lossy('avif')];
  }
}
