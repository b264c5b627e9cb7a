/**
 * How one output of the optimize stage is produced. A policy is plain data, selected by the
 * name an upload asks for (`policy` field); `optimizeImage` interprets it.
 *
 * First cut: one bounding box, one output format, one fixed quality. Fields a fuller policy
 * engine will need (responsive widths, perceptual `auto` quality, per-format options) are
 * meant to be added as optional fields, so existing policies stay valid.
 */
export interface OptimizePolicy {
  /** Stable name, `[a-z0-9][a-z0-9_-]{0,63}` (what uploads reference). */
  readonly name: string;
  /** The output fits inside `maxWidth` × `maxHeight`, after orientation; never enlarged. */
  readonly maxWidth: number;
  readonly maxHeight: number;
  /** Output encoding. WebP keeps animation and alpha; JPEG flattens alpha onto white. */
  readonly format: 'webp' | 'jpeg';
  /** Encoder quality, 1–100. */
  readonly quality: number;
}

/** The policy used when an upload names none: 2000×2000 (the desktop box), WebP, quality 75. */
export const defaultPolicy: OptimizePolicy = Object.freeze({
  name: 'default',
  maxWidth: 2000,
  maxHeight: 2000,
  format: 'webp',
  quality: 75,
});
