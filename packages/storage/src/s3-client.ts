import { S3Client } from '@aws-sdk/client-s3';

export type { S3Client } from '@aws-sdk/client-s3';

/** Options of {@link createS3Client}; all come from configuration, never from the environment here. */
export interface S3ClientOptions {
  /** Custom endpoint for S3-compatible stores (MinIO, s3rver), e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  region: string;
  /** Path-style URLs (`endpoint/bucket/key`); needed by MinIO and s3rver. */
  forcePathStyle?: boolean;
  /** Static credentials; when absent the SDK's default provider chain is used (env, profile, IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Builds the one `S3Client` a process uses for its object store.
 *
 * Checksums are sent and validated only where the S3 API requires them
 * (`requestChecksumCalculation`/`responseChecksumValidation: 'WHEN_REQUIRED'`). The SDK's
 * newer default adds CRC32 checksums to every upload, which some S3-compatible servers reject
 * and which would end up in presigned PUT URLs that browsers cannot satisfy. (s3rver 3.7.1
 * accepts either setting; the storage tests pass with both.)
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: options.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
