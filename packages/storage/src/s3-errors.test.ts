import { IngestError } from '@ingestkit/contracts';
import { isS3NotFound, toS3StoreError } from './s3-errors';

/** Shaped like the SDK's ServiceException: `name` is the S3 error code, `$metadata` the HTTP status. */
function sdkError(name: string, status?: number): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

const context = { operation: 'get', bucket: 'b', key: 'k' };

describe('toS3StoreError', () => {
  it.each([
    ['NoSuchKey', 404],
    ['NotFound', 404],
    ['UnknownError', 404],
    ['NoSuchKey', undefined],
  ])('maps %s (%s) to not_found', (name, status) => {
    expect(toS3StoreError(sdkError(name, status), context)).toMatchObject({ code: 'not_found' });
  });

  it('maps InvalidRange to bad_request', () => {
    expect(toS3StoreError(sdkError('InvalidRange', 416), context)).toMatchObject({ code: 'bad_request' });
  });

  it.each([
    ['NoSuchBucket', 404],
    ['AccessDenied', 403],
    ['InternalError', 500],
    ['SlowDown', 503],
    ['ECONNREFUSED', undefined],
  ])('maps %s (%s) to storage_error', (name, status) => {
    expect(toS3StoreError(sdkError(name, status), context)).toMatchObject({ code: 'storage_error' });
  });

  it.each([
    ['XMinioStorageFull', 507],
    ['InsufficientStorage', 507],
  ])('maps %s (%s) to storage_full with a Retry-After hint', (name, status) => {
    expect(toS3StoreError(sdkError(name, status), context)).toMatchObject({
      code: 'storage_full',
      status: 507,
      details: { retryAfterSeconds: 60 },
    });
  });

  it('says how many tries the SDK made', () => {
    const err = Object.assign(sdkError('SlowDown', 503), { $metadata: { httpStatusCode: 503, attempts: 5 } });
    expect(toS3StoreError(err, context)).toMatchObject({ code: 'storage_error', details: { attempts: 5 } });
  });

  it('keeps the SDK error as cause and names the object', () => {
    const original = sdkError('AccessDenied', 403);
    const err = toS3StoreError(original, context);
    expect(err.cause).toBe(original);
    expect(err.message).toContain('b/k');
    expect(err.details).toMatchObject({ bucket: 'b', key: 'k', s3Error: 'AccessDenied', httpStatus: 403 });
  });

  it('passes an IngestError through unchanged', () => {
    const own = new IngestError('payload_too_large', 'too big');
    expect(toS3StoreError(own, context)).toBe(own);
  });

  it('wraps non-errors', () => {
    expect(toS3StoreError('boom', context)).toMatchObject({ code: 'storage_error' });
  });
});

describe('isS3NotFound', () => {
  it('is true for a missing object, false for a missing bucket', () => {
    expect(isS3NotFound(sdkError('NotFound', 404))).toBe(true);
    expect(isS3NotFound(sdkError('NoSuchBucket', 404))).toBe(false);
    expect(isS3NotFound(sdkError('AccessDenied', 403))).toBe(false);
  });
});
