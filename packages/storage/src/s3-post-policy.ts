import { createHmac } from 'node:crypto';

/** Credentials as the AWS SDK resolves them. */
export interface PolicyCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Arguments of {@link createS3PostPolicy}. */
export interface S3PostPolicyInput {
  bucketUrl: string;
  bucket: string;
  key: string;
  contentType: string;
  maxBytes: number;
  region: string;
  credentials: PolicyCredentials;
  expiresAt: Date;
  now?: Date;
}

/**
 * An S3 browser-upload POST policy (SigV4), built here rather than with
 * `@aws-sdk/s3-presigned-post`: that package pins an exact, older `@aws-sdk/client-s3` than the
 * repo's, which would install a second copy of the SDK. The policy pins the bucket, the exact
 * key, the content type and `content-length-range` 1..maxBytes; S3 and MinIO refuse a form that
 * breaks any condition (s3rver does not check, hence the gateway's completion check).
 */
export function createS3PostPolicy(input: S3PostPolicyInput): { url: string; fields: Record<string, string> } {
  const now = input.now ?? new Date();
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const dateStamp = amzDate.slice(0, 8);
  const credential = `${input.credentials.accessKeyId}/${dateStamp}/${input.region}/s3/aws4_request`;
  const signed: Record<string, string> = {
    key: input.key,
    'Content-Type': input.contentType,
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': credential,
    'x-amz-date': amzDate,
    ...(input.credentials.sessionToken ? { 'x-amz-security-token': input.credentials.sessionToken } : {}),
  };
  const policy = {
    expiration: input.expiresAt.toISOString(),
    conditions: [
      { bucket: input.bucket },
      ...Object.entries(signed).map(([name, value]) => ({ [name]: value })),
      ['content-length-range', 1, input.maxBytes],
    ],
  };
  const encoded = Buffer.from(JSON.stringify(policy)).toString('base64');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${input.credentials.secretAccessKey}`, dateStamp), input.region), 's3'),
    'aws4_request',
  );
  const signature = createHmac('sha256', signingKey).update(encoded).digest('hex');
  return { url: input.bucketUrl, fields: { ...signed, Policy: encoded, 'X-Amz-Signature': signature } };
}

/** Decodes a policy produced by {@link createS3PostPolicy} (tests and debugging). */
export function decodeS3PostPolicy(encoded: string): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
}
