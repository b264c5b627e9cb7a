import { IngestError } from '@ingestkit/contracts';

/** Longest key accepted, in characters (S3 allows 1024 bytes; keys here are ASCII). */
export const MAX_KEY_LENGTH = 1024;

/** Longest segment accepted: the file-name limit of common filesystems (the local store). */
export const MAX_KEY_SEGMENT_LENGTH = 255;

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Checks an object key and returns it unchanged, or throws `IngestError('bad_request')`.
 *
 * A key is `/`-separated segments of `[A-Za-z0-9._-]`: no empty segment (so no leading,
 * trailing or doubled `/`), no segment that is `.` or `..` or starts with `.`, at most
 * {@link MAX_KEY_LENGTH} characters and {@link MAX_KEY_SEGMENT_LENGTH} per segment. This is
 * the traversal guard of the local store (a valid key always resolves inside its root, and
 * never into the root's `.tmp` directory) and keeps both drivers accepting the same keys.
 */
export function validateKey(key: string): string {
  const problem = findKeyProblem(key);
  if (problem) {
    throw new IngestError('bad_request', `invalid object key: ${problem}`, { details: { key: preview(key) } });
  }
  return key;
}

/**
 * Checks a listing prefix and returns it unchanged, or throws `IngestError('bad_request')`.
 *
 * A prefix is a plain string prefix, as in S3 (`a/b` also matches `a/bc/x`; end it with `/` to
 * mean "everything under the folder `a/b`"). It is `''` (everything) or a valid key, optionally
 * followed by one `/`.
 */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  const body = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const problem = findKeyProblem(body);
  if (problem) {
    throw new IngestError('bad_request', `invalid key prefix: ${problem}`, { details: { prefix: preview(prefix) } });
  }
  return prefix;
}

function findKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'not a string';
  if (key.length === 0) return 'empty';
  if (key.length > MAX_KEY_LENGTH) return `longer than ${MAX_KEY_LENGTH} characters`;
  for (const segment of key.split('/')) {
    if (segment === '') return 'empty segment (leading, trailing or doubled "/")';
    if (segment.length > MAX_KEY_SEGMENT_LENGTH) return `a segment is longer than ${MAX_KEY_SEGMENT_LENGTH} characters`;
    if (segment.startsWith('.')) return `segment "${segment}" starts with "."`;
    if (!SEGMENT.test(segment)) return `segment "${segment}" has characters outside [A-Za-z0-9._-]`;
  }
  return undefined;
}

/** Keeps error details small when someone sends a huge key. */
function preview(value: unknown): unknown {
  return typeof value === 'string' && value.length > 120 ? `${value.slice(0, 120)}…` : value;
}
