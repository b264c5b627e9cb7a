import type { AssetOptions } from '@ingestkit/contracts';

/** Bytes sent so far and the file's size. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Which way the bytes go; `auto` picks by size (see {@link UploadOptions.directThreshold}). */
export type UploadFlow = 'auto' | 'stream' | 'presign' | 'multipart';

/**
 * `upload(file, options)`: the asset options of the API (`fileName` defaults to the path's or
 * File's name) plus how to send.
 */
export interface UploadOptions extends AssetOptions {
  /**
   * Names the upload: the same key always means the same asset, across retries, crashes and
   * re-runs (the gateway derives the asset id from it). Default: a random key per call.
   */
  idempotencyKey?: string;
  flow?: UploadFlow;
  /** Up to this size `auto` streams the file through the gateway (default 16 MiB). */
  directThreshold?: number;
  /** From this size `auto` uses parallel multipart parts (default 32 MiB). */
  multipartThreshold?: number;
  /** Multipart part size (default 8 MiB; at least 5 MiB, as S3 requires). */
  partSize?: number;
  /** Parts in flight at once (default 4). */
  partConcurrency?: number;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** The defaults of {@link UploadOptions}. */
export const uploadDefaults = {
  directThreshold: 16 * 1024 * 1024,
  multipartThreshold: 32 * 1024 * 1024,
  partSize: 8 * 1024 * 1024,
  partConcurrency: 4,
} as const;

/** The asset options of an upload, without the client's own settings. */
export function assetOptionsOf(options: UploadOptions): AssetOptions {
  const {
    idempotencyKey: _key,
    flow: _flow,
    directThreshold: _direct,
    multipartThreshold: _multipart,
    partSize: _size,
    partConcurrency: _concurrency,
    onProgress: _progress,
    signal: _signal,
    ...rest
  } = options;
  return rest;
}

/** The chosen flow for a file of `size` bytes. */
export function chooseFlow(size: number, options: UploadOptions): Exclude<UploadFlow, 'auto'> {
  if (options.flow && options.flow !== 'auto') return options.flow;
  if (size >= (options.multipartThreshold ?? uploadDefaults.multipartThreshold)) return 'multipart';
  return size > (options.directThreshold ?? uploadDefaults.directThreshold) ? 'presign' : 'stream';
}
