import type { Readable } from 'node:stream';
import type { ByteRange } from './byte-range';

/** What a store knows about one stored object. */
export interface ObjectInfo {
  /** The object's key (see `validateKey`). */
  key: string;
  /** Size in bytes. */
  bytes: number;
  /** The content type given at `put`; only the S3 store keeps it, and only `head` returns it. */
  contentType?: string;
  lastModified?: Date;
}

/** Arguments of {@link ObjectStore.put}. */
export interface PutObjectInput {
  /** Where to store the object; must pass `validateKey`. */
  key: string;
  /**
   * The bytes. A stream is consumed, never buffered whole; if the store fails, it is destroyed
   * with the same `IngestError` put rejects with, so whatever feeds it learns the reason.
   */
  body: Readable | Buffer;
  /** Stored as `Content-Type` by the S3 store; the local store does not keep it. */
  contentType?: string;
  /** Stored as `Cache-Control` by the S3 store; the local store does not keep it. */
  cacheControl?: string;
}

/**
 * The storage port: a flat namespace of objects under validated keys.
 *
 * Every method rejects with an `IngestError`: `bad_request` for an invalid key, prefix or byte
 * range (checked before any I/O), `not_found` only where documented, `storage_full` when a
 * write finds no space left, `storage_read_only` when the local store refuses writes, and
 * `storage_error` for any other failure of the backend (for S3, once the SDK's own retries
 * are spent). All three storage codes are retryable. An error raised by a `put` body that is
 * already an `IngestError` (e.g. a size-limiting stream's `payload_too_large`) is passed
 * through unchanged. A stream from `get` that fails mid-way errors with an `IngestError` too.
 *
 * Not promised: ordering between concurrent writers of the same key (the last complete `put`
 * wins), content types on the local store, or a key that is both an object and a "folder" of
 * other objects (S3 allows it; the local disk cannot — the local store rejects it with
 * `conflict`).
 */
export interface ObjectStore {
  /** Which driver this is. */
  readonly kind: 'local' | 's3';
  /**
   * Streams body to key. The object appears whole or not at all: if body errors or is
   * destroyed, put rejects and nothing is left at key (no partial object, no temp file).
   * Overwrites. Returns bytes written.
   */
  put(input: PutObjectInput): Promise<{ bytes: number }>;
  /**
   * Readable of the object (optionally a byte range, inclusive end); IngestError not_found if
   * absent. A range `end` past the last byte is clamped; a `start` at or past the size is
   * `bad_request`.
   */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** The object's info, or `null` when there is no object at key. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Removes the object at key. Idempotent: deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  /**
   * Deletes every object under prefix (a plain string prefix, see `validatePrefix`); returns
   * how many. The empty prefix is refused (`bad_request`) so a bug cannot wipe the store.
   */
  deletePrefix(prefix: string): Promise<number>;
  /** Every object whose key starts with prefix (`''` for all), sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /**
   * Absolute filesystem path when the store is on local disk (lets sharp read the file
   * directly), else undefined. The file may not exist; throws `bad_request` for an invalid key.
   */
  localPath(key: string): string | undefined;
  /**
   * Checks the store answers and, for the local store, takes a small write (readiness probe);
   * rejects with `storage_full` / `storage_read_only` when the disk is full or read-only, else
   * `storage_error`.
   */
  ping(): Promise<void>;
  /**
   * Removes what writes of crashed processes left behind (the local store's temp files) that
   * nothing has written to for `olderThanMs`; returns how many. Stores whose writes are atomic
   * on the server (S3) have nothing to sweep and do not implement it.
   */
  sweepAbandonedWrites?(olderThanMs: number): Promise<number>;
}
