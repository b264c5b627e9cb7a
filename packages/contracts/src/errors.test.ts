import { errorCodes, IngestError, isIngestError, toIngestError } from './errors';

describe('error codes', () => {
  it('maps every code to an HTTP error status', () => {
    for (const [code, spec] of Object.entries(errorCodes)) {
      expect([code, spec.status >= 400 && spec.status < 600]).toEqual([code, true]);
    }
  });

  it('marks client errors permanent and dependency errors retryable', () => {
    expect(new IngestError('corrupt_image', 'x')).toMatchObject({ status: 422, retryable: false });
    expect(new IngestError('payload_too_large', 'x')).toMatchObject({ status: 413, retryable: false });
    expect(new IngestError('dependency_unavailable', 'x')).toMatchObject({ status: 503, retryable: true });
    expect(new IngestError('rate_limited', 'x')).toMatchObject({ status: 429, retryable: true });
    expect(new IngestError('storage_full', 'x')).toMatchObject({ status: 507, retryable: true });
    expect(new IngestError('storage_read_only', 'x')).toMatchObject({ status: 503, retryable: true });
  });
});

describe('isIngestError', () => {
  it('recognises an error by name and code after it lost its class (sandboxed processors)', () => {
    const plain = Object.assign(new Error('boom'), { name: 'IngestError', code: 'corrupt_image' });
    expect(isIngestError(plain)).toBe(true);
    expect(toIngestError(plain)).toMatchObject({ code: 'corrupt_image', message: 'boom', retryable: false });
  });

  it('refuses an error whose code is not in the table', () => {
    expect(isIngestError(Object.assign(new Error('x'), { name: 'IngestError', code: 'made_up' }))).toBe(false);
  });
});

describe('toIngestError', () => {
  it('wraps anything else as a retryable internal error, keeping the cause', () => {
    const cause = new TypeError('undefined is not a function');
    const wrapped = toIngestError(cause);
    expect(wrapped).toMatchObject({ code: 'internal_error', retryable: true, message: cause.message });
    expect(wrapped.cause).toBe(cause);
    expect(toIngestError('text', 'storage_error').code).toBe('storage_error');
  });
});
