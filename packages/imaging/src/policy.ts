import type { OutputFormatChoice, PolicyKind, QualityChoice } from '@ingestkit/contracts';

/**
 * A resolved policy: how one asset is optimized, every option set. Plain data, built by a
 * `PolicyRegistry` from a built-in or configured definition plus the upload's overrides;
 * `optimizeImage` interprets it.
 */
export interface OptimizePolicy {
  /** The name it was resolved from (`delivery`, `master`, or a configured one). */
  readonly name: string;
  /** `delivery`: final bytes, served as they are. `master`: ImageKit re-encodes at delivery. */
  readonly kind: PolicyKind;
  /** `auto`: photos lossy (WebP, or AVIF when allowed), graphics lossless, animations animated WebP. */
  readonly format: OutputFormatChoice;
  /** Nominal quality on the mozjpeg scale (see `encoderQuality`), or `auto`. */
  readonly quality: QualityChoice;
  /** Luma SSIM the `auto` quality search must reach at the output size. */
  readonly ssimTarget: number;
  /** The lowest nominal quality this policy ever encodes at (85 for master policies). */
  readonly minQuality: number;
  readonly allowAvif: boolean;
  /** The output fits inside `maxWidth` × `maxHeight` after orientation; never enlarged. */
  readonly maxWidth: number;
  readonly maxHeight: number;
  /** Keep Display P3 for wide-gamut inputs (P3 profile attached); otherwise sRGB without a profile. */
  readonly wideGamut: boolean;
  /** Keep EXIF Copyright and Artist; everything else is stripped. */
  readonly keepCopyright: boolean;
  readonly progressive: boolean;
  /** Responsive variant widths (2× of each added where the output is wide enough); empty: none. */
  readonly variantWidths: readonly number[];
  readonly placeholder: boolean;
}
