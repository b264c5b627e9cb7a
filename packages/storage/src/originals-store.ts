import { resolve } from 'node:path';
import { createLocalStore } from './local-store';
import type { ObjectStore } from './object-store';
import { createS3Client } from './s3-client';
import { createS3GetSigner, type SignGetUrl } from './s3-get-signer';
import { createS3Store, type S3StorageClass } from './s3-store';
import { s3StoreConfig, type StorageEnvValues } from './store-settings';

/** Where originals are kept, as the runtime's `originalsFromEnv` gives it (`off` builds no store). */
export type OriginalsPlacementInput =
  { store: 'off' } | { store: 'local' } | { store: 's3'; bucket: string; prefix: string; storageClass?: S3StorageClass };

/** What {@link createOriginals} builds the originals store from. */
export type OriginalsStoreConfig =
  | { driver: 'local'; root: string }
  | {
      driver: 's3';
      bucket: string;
      /** Prepended to every key, e.g. `originals/`. */
      prefix: string;
      storageClass?: S3StorageClass;
      endpoint?: string;
      region: string;
      forcePathStyle?: boolean;
      credentials?: { accessKeyId: string; secretAccessKey: string };
    };

/**
 * The originals store: where the worker keeps each asset's uploaded bytes after delivery
 * (`asset.original.retained.key` is a key in `store`), and how to name them.
 */
export interface Originals {
  store: ObjectStore;
  /** The key of an asset's kept original: `<prefix><assetId>/original` (one per asset, so keeping it again overwrites). */
  keyOf(assetId: string): string;
  /** Everything kept for an asset lives under this prefix (`<prefix><assetId>/`). */
  prefixOf(assetId: string): string;
  /** S3 only: a short-lived presigned GET of a key (the gateway redirects to it); absent on the local store. */
  signGet?: SignGetUrl;
}

/**
 * The originals store's config from the placement and the storage environment: `local` is its
 * own directory, `DATA_DIR/originals/`; `s3` is its own bucket through the same endpoint,
 * region and credentials as the staging and destination buckets; `off` is `undefined`.
 */
export function originalsStoreConfig(
  placement: OriginalsPlacementInput,
  env: Pick<StorageEnvValues, 'DATA_DIR' | 'S3_ENDPOINT' | 'S3_FORCE_PATH_STYLE' | 'S3_REGION'>,
): OriginalsStoreConfig | undefined {
  switch (placement.store) {
    case 'off':
      return undefined;
    case 'local':
      return { driver: 'local', root: resolve(env.DATA_DIR, 'originals') };
    case 's3': {
      const { driver: _driver, ...connection } = s3StoreConfig(env, placement.bucket);
      return {
        driver: 's3',
        ...connection,
        prefix: placement.prefix,
        ...(placement.storageClass ? { storageClass: placement.storageClass } : {}),
      };
    }
  }
}

/** Builds the originals store (no I/O; `store.ping()` checks it answers). */
export function createOriginals(config: OriginalsStoreConfig): Originals {
  const prefix = config.driver === 's3' ? config.prefix : '';
  const naming = {
    keyOf: (assetId: string) => `${prefix}${assetId}/original`,
    prefixOf: (assetId: string) => `${prefix}${assetId}/`,
  };
  if (config.driver === 'local') return { store: createLocalStore({ root: config.root }), ...naming };
  const client = createS3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.forcePathStyle !== undefined ? { forcePathStyle: config.forcePathStyle } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  return {
    store: createS3Store({
      client,
      bucket: config.bucket,
      ...(config.storageClass ? { storageClass: config.storageClass } : {}),
    }),
    signGet: createS3GetSigner({ client, bucket: config.bucket }),
    ...naming,
  };
}
