import { z } from 'zod';

/** A policy name: what uploads send in their `policy` field. */
export const PolicyName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'policy names are [a-z0-9][a-z0-9_-]{0,63}');

/**
 * `delivery`: the bytes are served as they are (S3 or local behind a plain CDN), so the policy
 * picks the final format, quality and responsive variants. `master`: the file ImageKit (or
 * another image CDN) transforms and re-encodes at delivery, so the policy only orients, strips,
 * converts colour and caps dimensions, at high quality and without variants.
 */
export const PolicyKind = z.enum(['delivery', 'master']);
export type PolicyKind = z.infer<typeof PolicyKind>;

/** Output format of a policy: `auto` chooses by content (photo, graphic, animation). */
export const OutputFormatChoice = z.enum(['auto', 'webp', 'jpeg', 'png', 'avif']);
export type OutputFormatChoice = z.infer<typeof OutputFormatChoice>;

/** A nominal quality 1–100 on the JPEG scale (mapped per format), or `auto` (perceptual target). */
export const QualityChoice = z.union([z.literal('auto'), z.number().int().min(1).max(100)]);
export type QualityChoice = z.infer<typeof QualityChoice>;

const dimension = z.number().int().min(16).max(16_384);

/**
 * One policy as written in `POLICIES_FILE` / `POLICIES_JSON`: every field but `kind` is
 * optional and defaults to the built-in policy of that kind (`delivery` or `master`).
 */
export const PolicyDefinition = z.strictObject({
  kind: PolicyKind,
  format: OutputFormatChoice.optional(),
  quality: QualityChoice.optional(),
  /** `quality: 'auto'` picks the lowest quality whose luma SSIM stays at or above this. */
  ssimTarget: z.number().min(0.8).max(0.999).optional(),
  /** `format: 'auto'` may choose AVIF for photos (≈10× WebP's CPU). */
  allowAvif: z.boolean().optional(),
  maxWidth: dimension.optional(),
  maxHeight: dimension.optional(),
  /** Keep Display P3 (wide-gamut inputs keep a P3 profile); otherwise everything becomes sRGB. */
  wideGamut: z.boolean().optional(),
  /** Keep the EXIF Copyright and Artist fields; all other metadata is stripped. */
  keepCopyright: z.boolean().optional(),
  /** Progressive JPEG output. */
  progressive: z.boolean().optional(),
  /** Responsive variant widths; 2× of each is added where the output allows. Master policies have none. */
  variantWidths: z.array(z.number().int().min(16).max(8192)).max(12).optional(),
  /** A tiny blurred data-URI placeholder and the dominant colour on the asset. */
  placeholder: z.boolean().optional(),
  /** The `dedupe` of uploads and jobs on this policy that do not say (default `false`). */
  dedupe: z.boolean().optional(),
});
export type PolicyDefinition = z.infer<typeof PolicyDefinition>;

/** The content of `POLICIES_FILE` (or `POLICIES_JSON`): policies by name. */
export const PolicyFile = z
  .strictObject({
    policies: z.record(PolicyName, PolicyDefinition),
  })
  .superRefine((file, ctx) => {
    for (const [name, policy] of Object.entries(file.policies)) {
      if (name === 'default') {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', name],
          message: '"default" is reserved (delivery or master by destination)',
        });
      }
      if (policy.kind === 'master' && (policy.variantWidths?.length ?? 0) > 0) {
        ctx.addIssue({ code: 'custom', path: ['policies', name, 'variantWidths'], message: 'master policies make no variants' });
      }
    }
  });
export type PolicyFile = z.infer<typeof PolicyFile>;

/**
 * What one upload may change in its policy. Bounded: a box can only shrink (larger values are
 * clamped to the policy's box), quality on a master policy never drops below its floor, and
 * AVIF only where the policy allows it.
 */
export const PolicyOverrides = z.strictObject({
  format: OutputFormatChoice.optional(),
  quality: QualityChoice.optional(),
  maxWidth: dimension.optional(),
  maxHeight: dimension.optional(),
});
export type PolicyOverrides = z.infer<typeof PolicyOverrides>;
