import { createLocalStore } from './local-store';
import type { ObjectStore } from './object-store';
import { createS3Client } from './s3-client';
import { createS3Store, type S3StorageClass } from './s3-store';

/** Configuration of the local-disk driver. */
export interface LocalObjectStoreConfig {
  driver: 'local';
  /** Directory holding the objects. */
  root: string;
}

/** Configuration of the S3 driver (AWS or any S3-compatible endpoint). */
export interface S3ObjectStoreConfig {
  driver: 's3';
  bucket: string;
  /** Custom endpoint for S3-compatible stores; omit for AWS. */
  endpoint?: string;
  region: string;
  /** Path-style URLs; needed by MinIO and s3rver. */
  forcePathStyle?: boolean;
  /** Static credentials; omit to use the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The storage class of every object the store writes (e.g. `STANDARD_IA`); omit for the bucket's default. */
  storageClass?: S3StorageClass;
}

/** Which driver to use and its settings, as parsed from configuration. */
export type ObjectStoreConfig = LocalObjectStoreConfig | S3ObjectStoreConfig;

/**
 * The one factory of the storage port: picks the driver from config. Performs no I/O; call
 * `ping()` to check the store answers.
 */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config.driver) {
    case 'local':
      return createLocalStore({ root: config.root });
    case 's3': {
      const client = createS3Client({
        endpoint: config.endpoint,
        region: config.region,
        forcePathStyle: config.forcePathStyle,
        credentials: config.credentials,
      });
      return createS3Store({
        client,
        bucket: config.bucket,
        ...(config.storageClass ? { storageClass: config.storageClass } : {}),
      });
    }
  }
}
