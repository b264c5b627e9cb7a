import { IngestError } from '@ingestkit/contracts';
import { STORAGE_FAULT_RETRY_AFTER_SECONDS, toLocalStoreError } from './local-store-errors';

/** Shaped like a Node.js system error. */
function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, write`), { code, errno: -1, syscall: 'write' });
}

const write = { operation: 'put a/b', key: 'a/b', isWrite: true };
const read = { operation: 'get a/b', key: 'a/b', isWrite: false };

describe('toLocalStoreError', () => {
  it.each(['ENOSPC', 'EDQUOT'])('maps %s to storage_full (507, retryable) with a Retry-After hint', (code) => {
    const err = toLocalStoreError(systemError(code), write);
    expect(err).toMatchObject({ code: 'storage_full', status: 507, retryable: true });
    expect(err.details).toEqual({ key: 'a/b', errno: code, retryAfterSeconds: STORAGE_FAULT_RETRY_AFTER_SECONDS });
  });

  it.each(['EROFS', 'EACCES', 'EPERM'])('maps %s on a write to storage_read_only (503, retryable)', (code) => {
    const err = toLocalStoreError(systemError(code), write);
    expect(err).toMatchObject({ code: 'storage_read_only', status: 503, retryable: true });
    expect(err.details).toMatchObject({ errno: code, retryAfterSeconds: STORAGE_FAULT_RETRY_AFTER_SECONDS });
  });

  it('maps a permission error on a read to storage_error: the disk is not read-only, the file is unreadable', () => {
    expect(toLocalStoreError(systemError('EACCES'), read)).toMatchObject({ code: 'storage_error', details: { errno: 'EACCES' } });
  });

  it('maps other errors to storage_error, keeping the cause and naming the operation', () => {
    const cause = systemError('EIO');
    const err = toLocalStoreError(cause, write);
    expect(err).toMatchObject({ code: 'storage_error', details: { key: 'a/b', errno: 'EIO' } });
    expect(err.message).toContain('put a/b');
    expect(err.cause).toBe(cause);
    expect(toLocalStoreError('boom', { operation: 'list x', isWrite: false })).toMatchObject({ code: 'storage_error' });
  });

  it('passes an IngestError through unchanged', () => {
    const own = new IngestError('payload_too_large', 'too big');
    expect(toLocalStoreError(own, write)).toBe(own);
  });
});
