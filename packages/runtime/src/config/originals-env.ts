import { z } from 'zod';
import { envInt } from './env-types';

/**
 * S3 storage classes an original may be kept in: those S3 serves a GET from at once. The
 * archive classes (`GLACIER`, `DEEP_ARCHIVE`) need a restore before any read, so neither
 * `GET /v1/assets/:id/original` nor reprocessing could use them; they are refused at boot.
 */
export const ORIGINALS_STORAGE_CLASSES = ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'] as const;
export type OriginalsStorageClass = (typeof ORIGINALS_STORAGE_CLASSES)[number];

/**
 * Originals kept after delivery (the exact uploaded bytes, EXIF and GPS included), so an asset
 * can be downloaded as uploaded and reprocessed under another policy:
 * - `ORIGINALS_STORE`: `local` (default: `DATA_DIR/originals/`), `s3` (the bucket
 *   `ORIGINALS_S3_BUCKET` under `ORIGINALS_S3_PREFIX`, written with `ORIGINALS_S3_STORAGE_CLASS`,
 *   through the same S3 endpoint, region and credentials as the other buckets) or `off` (none
 *   kept: no original download, no reprocessing);
 * - `ORIGINALS_RETENTION_DAYS`: days an original is kept after it was stored (0: for ever); the
 *   worker's retention sweeper, every `ORIGINALS_SWEEP_EVERY_SECONDS`, removes expired ones.
 */
export const originalsEnv = z.object({
  ORIGINALS_STORE: z.enum(['local', 's3', 'off']).default('local'),
  ORIGINALS_S3_BUCKET: z.string().min(3).default('ingestkit-originals'),
  ORIGINALS_S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_-][A-Za-z0-9._-]*\/)*$/, 'empty, or path segments of [A-Za-z0-9._-] each ending in "/"')
    .max(200)
    .default('originals/'),
  ORIGINALS_S3_STORAGE_CLASS: z.enum(ORIGINALS_STORAGE_CLASSES).optional(),
  ORIGINALS_RETENTION_DAYS: envInt({ min: 0, max: 36_500, default: 0 }),
  ORIGINALS_SWEEP_EVERY_SECONDS: envInt({ min: 1, max: 86_400, default: 600 }),
});

/** Where originals are kept (`off`: nowhere). */
export type OriginalsPlacement =
  { store: 'off' } | { store: 'local' } | { store: 's3'; bucket: string; prefix: string; storageClass?: OriginalsStorageClass };

/** The settings {@link originalsEnv} describes (the store itself is built by `createOriginals` in @ingestkit/storage). */
export interface OriginalsSettings {
  placement: OriginalsPlacement;
  /** Days an original is kept after it was stored; 0: for ever. */
  retentionDays: number;
  /** How often the worker's retention sweeper runs (only with a retention). */
  sweepEverySeconds: number;
}

/** The originals settings of a parsed {@link originalsEnv}. */
export function originalsFromEnv(env: z.output<typeof originalsEnv>): OriginalsSettings {
  const placement: OriginalsPlacement =
    env.ORIGINALS_STORE === 's3'
      ? {
          store: 's3',
          bucket: env.ORIGINALS_S3_BUCKET,
          prefix: env.ORIGINALS_S3_PREFIX,
          ...(env.ORIGINALS_S3_STORAGE_CLASS ? { storageClass: env.ORIGINALS_S3_STORAGE_CLASS } : {}),
        }
      : { store: env.ORIGINALS_STORE };
  return { placement, retentionDays: env.ORIGINALS_RETENTION_DAYS, sweepEverySeconds: env.ORIGINALS_SWEEP_EVERY_SECONDS };
}
