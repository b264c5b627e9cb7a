import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteLimit } from './byte-limit';
import { HashCounter, type HashCounterOptions } from './hash-counter';

/** What a received upload goes through before the store, in this order; a path leaves out what it does not need. */
export interface GuardedUploadSteps {
  /**
   * The byte cap: a count (a `ByteLimit`: 413 `payload_too_large` past it) or a limiting
   * transform of the caller's (a `ByteLimit` with its own message, a multipart part's budget meter).
   */
  limit?: number | Transform;
  /**
   * Fails the stream on content the caller refuses, from its first bytes (the gateway's
   * `SniffGuard` from `@ingestkit/imaging`: 415 before a non-image is stored). Storage knows no
   * formats, so the caller hands it in.
   */
  sniff?: Transform;
  /** Counts and SHA-256s the bytes on their way to the store (see `HashCounter`). */
  hash?: HashCounterOptions;
}

export interface GuardedUploadInput<T> extends GuardedUploadSteps {
  body: Readable;
  /** Writes the guarded bytes (`ObjectStore.put`, a multipart part…); must reject if its body fails. */
  store(body: Readable): Promise<T>;
  /** Aborts the upload from outside (the request's parser failed): every stream is destroyed. */
  signal?: AbortSignal;
}

export interface GuardedUpload<T> {
  /** What `store` answered. */
  stored: T;
  /** Bytes that reached the store (counted when hashed). */
  bytes?: number;
  /** Hex SHA-256 of those bytes, when `hash` was asked for. */
  sha256?: string;
}

/**
 * The one way bytes received over HTTP reach a store: limit → sniff → hash → store. The
 * limit comes first so that no step sees a byte past the cap, the sniff before the hash and
 * the store so that a refused file costs neither, and the hash next to the store so it covers
 * exactly what is stored. Waits for both the pipeline and the store, so the store has cleaned up
 * (nothing is left at the key) before the caller hears of a failure; a step's own error (413,
 * 415) wins over the store's report of it.
 */
export function guardedUpload<T>(
  input: GuardedUploadInput<T> & { hash: HashCounterOptions },
): Promise<Required<GuardedUpload<T>>>;
export function guardedUpload<T>(input: GuardedUploadInput<T>): Promise<GuardedUpload<T>>;
export async function guardedUpload<T>(input: GuardedUploadInput<T>): Promise<GuardedUpload<T>> {
  const limit = typeof input.limit === 'number' ? new ByteLimit(input.limit) : input.limit;
  const counter = input.hash ? new HashCounter(input.hash) : undefined;
  const steps = [limit, input.sniff, counter].filter((step): step is Transform => step !== undefined);
  const last = steps.at(-1) ?? input.body;
  const piped =
    steps.length === 0 ? Promise.resolve() : pipeline([input.body, ...steps], input.signal ? { signal: input.signal } : {});
  const [pipedResult, storedResult] = await Promise.allSettled([piped, input.store(last)]);
  if (pipedResult.status === 'rejected') throw pipedResult.reason;
  if (storedResult.status === 'rejected') throw storedResult.reason;
  return {
    stored: storedResult.value,
    ...(counter ? { bytes: counter.bytes, sha256: await counter.digest() } : {}),
  };
}
