import type { ObjectStoreConfig } from '@ingestkit/storage';
import { tusFileStore, tusS3Store, type TusDataStore } from './tus-library';

/** S3 parts of a tus upload (the S3 store buffers one part on disk before sending it). */
const S3_PART_BYTES = 8 * 1024 * 1024;

/**
 * The tus datastore over the staging store's config: the local store's root (`DATA_DIR`) for
 * `local`, the staging bucket for `s3`. An upload's id is its staging key, so the bytes of a
 * finished upload are at `staging/<assetId>/original` either way; beside them the store keeps
 * its record (`original.json` on disk, `original.info` on S3, and `original.part` while an
 * S3 part is incomplete), removed with the asset's staging.
 */
export function createTusDatastore(config: ObjectStoreConfig, expireAfterMs: number): TusDataStore {
  if (config.driver === 'local') {
    return new tusFileStore.FileStore({ directory: config.root, expirationPeriodInMilliseconds: expireAfterMs });
  }
  return new tusS3Store.S3Store({
    partSize: S3_PART_BYTES,
    expirationPeriodInMilliseconds: expireAfterMs,
    s3ClientConfig: {
      bucket: config.bucket,
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.forcePathStyle !== undefined ? { forcePathStyle: config.forcePathStyle } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // As `createS3Client`: no default CRC checksums, which S3-compatible stores may not speak.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    },
  });
}
