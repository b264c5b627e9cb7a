import { createHmac } from 'node:crypto';
import { createS3PostPolicy, decodeS3PostPolicy } from './s3-post-policy';

describe('S3 POST policy', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');
  const input = {
    bucketUrl: 'https://staging.s3.eu-west-1.amazonaws.com',
    bucket: 'staging',
    key: 'staging/ast_x/original',
    contentType: 'image/jpeg',
    maxBytes: 12_345,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    expiresAt: new Date('2026-01-02T03:19:05.678Z'),
    now,
  };

  it('pins bucket, exact key, content type, size range and the SigV4 fields, and signs the policy', () => {
    const { url, fields } = createS3PostPolicy(input);
    expect(url).toBe(input.bucketUrl);
    const policy = decodeS3PostPolicy(fields.Policy!);
    expect(policy.expiration).toBe('2026-01-02T03:19:05.678Z');
    expect(policy.conditions).toEqual([
      { bucket: 'staging' },
      { key: 'staging/ast_x/original' },
      { 'Content-Type': 'image/jpeg' },
      { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
      { 'x-amz-credential': 'AKIDEXAMPLE/20260102/eu-west-1/s3/aws4_request' },
      { 'x-amz-date': '20260102T030405Z' },
      ['content-length-range', 1, 12_345],
    ]);
    // SigV4: HMAC chain over date, region, service, then the base64 policy.
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const signingKey = hmac(
      hmac(hmac(hmac(`AWS4${input.credentials.secretAccessKey}`, '20260102'), 'eu-west-1'), 's3'),
      'aws4_request',
    );
    expect(fields['X-Amz-Signature']).toBe(createHmac('sha256', signingKey).update(fields.Policy!).digest('hex'));
  });

  it('adds the session token of temporary credentials as a field and a condition', () => {
    const { fields } = createS3PostPolicy({ ...input, credentials: { ...input.credentials, sessionToken: 'tok' } });
    expect(fields['x-amz-security-token']).toBe('tok');
    expect(decodeS3PostPolicy(fields.Policy!).conditions).toContainEqual({ 'x-amz-security-token': 'tok' });
  });
});
