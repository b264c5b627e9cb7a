import type { PolicyDefinition, PolicyKind } from '@ingestkit/contracts';
import type { OptimizePolicy } from './policy';

/**
 * Every field of a policy of each kind, used wherever a definition leaves one out.
 *
 * `delivery`: the user's ImageKit delivery settings done at ingest — best format by content,
 * the desktop box (2000×2000), progressive JPEG, metadata stripped after orientation, the
 * responsive widths 320 (small phones), 480 (large phones), 960 (tablets, 2× phones), 1440
 * (laptops) — but with perceptual `auto` quality instead of a fixed 50.
 *
 * `master`: what ImageKit should receive. It re-encodes at delivery, so a quality-50 master
 * would be encoded twice at low quality and its artifacts compound; the master keeps nominal
 * quality 90 (never under 85), 4:4:4 chroma and lossless graphics, and makes no variants
 * (ImageKit resizes on request).
 */
export const policyDefaults: Readonly<Record<PolicyKind, Omit<OptimizePolicy, 'name'>>> = Object.freeze({
  delivery: Object.freeze({
    kind: 'delivery',
    format: 'auto',
    quality: 'auto',
    ssimTarget: 0.96,
    minQuality: 1,
    allowAvif: false,
    maxWidth: 2000,
    maxHeight: 2000,
    wideGamut: false,
    keepCopyright: false,
    progressive: true,
    variantWidths: Object.freeze([320, 480, 960, 1440]),
    placeholder: true,
  }),
  master: Object.freeze({
    kind: 'master',
    format: 'auto',
    quality: 90,
    ssimTarget: 0.99,
    minQuality: 85,
    allowAvif: false,
    maxWidth: 2000,
    maxHeight: 2000,
    wideGamut: true,
    keepCopyright: true,
    progressive: true,
    variantWidths: Object.freeze([]),
    placeholder: true,
  }),
});

/**
 * Policies every deployment has. `delivery` and `master` are the defaults by destination (see
 * `PolicyRegistry.resolve`); `imagekit-q50` is the user's ImageKit setting (fixed quality 50)
 * as a policy of one line; `mobile` is the 1000×1000 device box; `delivery-avif` lets `auto`
 * pick AVIF for photos. A configured policy of the same name replaces a built-in.
 */
export const builtinPolicies: Readonly<Record<string, PolicyDefinition>> = Object.freeze({
  delivery: { kind: 'delivery' },
  master: { kind: 'master' },
  'imagekit-q50': { kind: 'delivery', quality: 50 },
  mobile: { kind: 'delivery', maxWidth: 1000, maxHeight: 1000 },
  'delivery-avif': { kind: 'delivery', allowAvif: true },
});
