import type { ImageKitUploadAuth } from '@ingestkit/contracts';
import { type Readable } from 'node:stream';

/**
 * The custom metadata field (type Text) where ingestkit records the SHA-256 (hex) of the bytes an
 * overwriting upload sent: whether the file at a path already holds an output is decided by this
 * hash, never by size and dimensions. On ImageKit, create the field before using `overwrite`.
 */
export const CONTENT_HASH_FIELD = 'ingestkitSha256';

/** What {@link ImageKitAdapter.upload} sends. Field semantics are ImageKit's upload API (v1). */
export interface UploadInput {
  /** The bytes. A stream is buffered by the SDK before it is sent, so memory use is the file size. */
  file: Readable | Buffer;
  /** Requested name; ImageKit replaces characters outside `a-z A-Z 0-9 . -` with `_`. */
  fileName: string;
  /** Target folder, created when missing; default `/`. */
  folder?: string;
  tags?: readonly string[];
  /**
   * Default `true` (ImageKit's default): a random suffix makes every upload a new file. With `false`,
   * uploading to an existing path adds a version to the same `fileId` (or fails when `overwriteFile` is `false`).
   */
  useUniqueFileName?: boolean;
  /** Default `true`. With `useUniqueFileName: false` and an existing path, `false` makes the upload fail with `bad_request`. */
  overwriteFile?: boolean;
  /** Values for custom metadata fields, which must already exist on the account. */
  customMetadata?: Record<string, unknown>;
  isPrivateFile?: boolean;
}

/** The stored file as the upload response describes it. */
export interface UploadedFile {
  /** Stable across versions of the same path. */
  fileId: string;
  /** The version this upload created; equals `fileId` for a first upload on ImageKit. */
  versionId: string;
  /** The final name, after sanitising and unique-suffixing. */
  name: string;
  /** e.g. `/folder/name.jpg`. */
  filePath: string;
  /** Delivery URL without `?updatedAt`: the CDN may serve older bytes for it until purged. */
  url: string;
  /** Bytes. */
  size: number;
  width?: number;
  height?: number;
}

/** One file or file version as the management API reports it. */
export interface ImageKitFile extends UploadedFile {
  /** `'file'` for the current version, `'file-version'` for an older one. */
  type: 'file' | 'file-version';
  /** ImageKit's version label, e.g. `Version 2`. */
  versionName: string;
  customMetadata?: Record<string, unknown>;
  tags: string[];
  /** ISO 8601. */
  createdAt?: string;
  /** ISO 8601. */
  updatedAt?: string;
}

/** What {@link ImageKitAdapter.updateFileDetails} changes: ImageKit's update-file-details fields ingestkit uses. */
export interface FileDetailsUpdate {
  tags?: string[];
  customMetadata?: Record<string, unknown>;
}

/** A filter for {@link ImageKitAdapter.listFiles}. */
export interface ListFilesQuery {
  /** A folder; only its direct contents are listed (ImageKit does not recurse). */
  path?: string;
  /** Exact file name inside `path`. */
  name?: string;
}

/** Short-lived parameters a browser needs for a v1 client-side upload (the contract's shape). */
export type ClientUploadAuth = ImageKitUploadAuth;

/** Status of a CDN purge; ImageKit says `Completed`, never `Complete`. */
export type PurgeStatus = 'Pending' | 'Completed';

/**
 * The ImageKit operations ingestkit uses. Every method throws `IngestError` (see `toImageKitError`);
 * none retries: the queue owns retries, so a failed call has made at most one request.
 * An upload that failed with a retryable error may still have been stored: check with
 * {@link ImageKitAdapter.listFiles} or {@link ImageKitAdapter.listFileVersions} before uploading again.
 */
export interface ImageKitAdapter {
  /** Uploads one file with server-side (private key) auth. */
  upload(input: UploadInput): Promise<UploadedFile>;
  /** The current version of a file; `not_found` when it does not exist. */
  getFileDetails(fileId: string): Promise<ImageKitFile>;
  /**
   * Updates the current version's tags (replaced whole) and custom metadata (merged field by
   * field; a `null` value unsets the field) (`PATCH /v1/files/:fileId/details`). Repeating it
   * with the same input is harmless.
   */
  updateFileDetails(fileId: string, input: FileDetailsUpdate): Promise<ImageKitFile>;
  /** Every version of a file, the current one included, in ImageKit's order. */
  listFileVersions(fileId: string): Promise<ImageKitFile[]>;
  /** Current versions of files (never folders), at most 1000, in creation order. */
  listFiles(query?: ListFilesQuery): Promise<ImageKitFile[]>;
  /** Deletes a file and every version of it (ImageKit then sends `file.deleted`); `not_found` when there is none. */
  deleteFile(fileId: string): Promise<void>;
  /** Deletes one non-current version of a file; `not_found` when there is none, `bad_request` for the current one. */
  deleteFileVersion(fileId: string, versionId: string): Promise<void>;
  /** Requests a CDN purge of one URL (a trailing `*` is a wildcard under ImageKit's rules). */
  purge(url: string): Promise<{ requestId: string }>;
  /** Whether a purge has completed; ImageKit takes minutes. */
  purgeStatus(requestId: string): Promise<PurgeStatus>;
  /** Fresh parameters for one client-side upload. Local computation: no request is made. */
  clientUploadAuth(options?: { expireInSeconds?: number }): ClientUploadAuth;
}
