import type { ObjectStore } from './object-store';
import type { ObjectStoreConfig } from './create-object-store';
import { createLocalMultipartUploads } from './local-multipart-uploads';
import type { MultipartUploads } from './multipart-uploads';
import { createS3Client } from './s3-client';
import { createS3MultipartUploads } from './s3-multipart-uploads';

/**
 * The factory of the multipart port, for the staging store's config: S3's own multipart API for
 * the s3 driver; for the local one, a temp area in `store` and part URLs the gateway signs and
 * serves at `local.baseUrl`.
 */
export function createMultipartUploads(
  config: ObjectStoreConfig,
  local: { store: ObjectStore; baseUrl: string | (() => string); secret: string },
): MultipartUploads {
  if (config.driver === 'local') return createLocalMultipartUploads(local);
  const client = createS3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
  });
  return createS3MultipartUploads({ client, bucket: config.bucket });
}
