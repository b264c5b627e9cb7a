import type { ObjectStore } from './object-store';
import type { ObjectStoreConfig } from './create-object-store';
import { createLocalMultipartUploads } from './local-multipart-uploads';
import type { PartRelay, RelayedPartUploads } from './relayed-parts';
import { createS3Client } from './s3-client';
import { createS3MultipartUploads } from './s3-multipart-uploads';

/**
 * The factory of the multipart port, for the staging store's config: S3's own multipart API for
 * the s3 driver, its undeclared parts relayed through the gateway; for the local one, a temp
 * area in `store` and every part through the gateway. Part URLs the gateway serves are signed
 * with `relay.secret` under `relay.baseUrl`.
 */
export function createMultipartUploads(config: ObjectStoreConfig, relay: PartRelay & { store: ObjectStore }): RelayedPartUploads {
  if (config.driver === 'local') return createLocalMultipartUploads(relay);
  const client = createS3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
  });
  return createS3MultipartUploads({ client, bucket: config.bucket, relay });
}
