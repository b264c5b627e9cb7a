import { resolve } from 'node:path';
import type { ObjectStoreConfig, S3ObjectStoreConfig } from './create-object-store';

/** The storage keys of the environment (see `storageEnv` in @ingestkit/runtime). */
export interface StorageEnvValues {
  HOST: string;
  DATA_DIR: string;
  STAGING_STORE: 'local' | 's3';
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_FORCE_PATH_STYLE: boolean;
  S3_STAGING_BUCKET: string;
  S3_ASSETS_BUCKET: string;
  S3_PUBLIC_URL?: string | undefined;
  PUBLIC_URL?: string | undefined;
}

export interface StoreSettings {
  /** Absolute root of the local store: staging/, assets/ and, with `npm start`, redis/. */
  dataDir: string;
  staging: ObjectStoreConfig;
  /** The `local` destination: the local store, served by the gateway under `/files/`. */
  localAssets: ObjectStoreConfig;
  /** The `s3` destination bucket. */
  s3Assets: ObjectStoreConfig;
  /** Base URLs under which delivered objects are public, per destination. */
  publicUrls: { local: string; s3: string };
}

/**
 * Maps the storage environment to store configs. One local store rooted at `DATA_DIR` holds
 * staging (`staging/<assetId>/…`) and the local destination (`assets/…`); S3 uses two buckets.
 */
export function storeSettingsFromEnv(env: StorageEnvValues, options: { gatewayPort: number }): StoreSettings {
  const dataDir = resolve(env.DATA_DIR);
  const s3 = (bucket: string): ObjectStoreConfig => s3StoreConfig(env, bucket);
  const local: ObjectStoreConfig = { driver: 'local', root: dataDir };
  const gatewayHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return {
    dataDir,
    staging: env.STAGING_STORE === 's3' ? s3(env.S3_STAGING_BUCKET) : local,
    localAssets: local,
    s3Assets: s3(env.S3_ASSETS_BUCKET),
    publicUrls: {
      local: `${trimSlash(env.PUBLIC_URL ?? `http://${gatewayHost}:${options.gatewayPort}`)}/files`,
      s3: trimSlash(env.S3_PUBLIC_URL ?? s3BucketUrl(env, env.S3_ASSETS_BUCKET)),
    },
  };
}

/** The S3 driver's config for a bucket, through the environment's one S3 endpoint, region and credentials chain. */
export function s3StoreConfig(
  env: Pick<StorageEnvValues, 'S3_ENDPOINT' | 'S3_FORCE_PATH_STYLE' | 'S3_REGION'>,
  bucket: string,
): S3ObjectStoreConfig {
  return {
    driver: 's3',
    bucket,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
  };
}

/** The public URL of a bucket: path-style under a custom endpoint, virtual-hosted otherwise. */
export function s3BucketUrl(
  env: Pick<StorageEnvValues, 'S3_ENDPOINT' | 'S3_FORCE_PATH_STYLE' | 'S3_REGION'>,
  bucket: string,
): string {
  if (env.S3_ENDPOINT) {
    const endpoint = new URL(env.S3_ENDPOINT);
    if (env.S3_FORCE_PATH_STYLE) return `${trimSlash(endpoint.href)}/${bucket}`;
    return `${endpoint.protocol}//${bucket}.${endpoint.host}`;
  }
  return `https://${bucket}.s3.${env.S3_REGION}.amazonaws.com`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
