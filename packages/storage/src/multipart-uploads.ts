/** One uploaded part of a multipart upload. */
export interface UploadedPart {
  /** 1 to 10 000. */
  partNumber: number;
  /** The part's ETag as the store reports it (quoted, as S3 sends it). */
  etag: string;
  bytes: number;
}

/** A URL that accepts one part (`PUT` the bytes); its answer carries the part's `ETag` header. */
export interface SignedPart {
  url: string;
  /** Headers the PUT must carry (part of the signature); usually none. */
  headers?: Record<string, string>;
  expiresAt: Date;
}

/** Identifies one multipart upload: the key it writes and the store's upload id. */
export interface MultipartUploadRef {
  key: string;
  uploadId: string;
}

/**
 * The optional multipart capability of a staging store (S3's CreateMultipartUpload, UploadPart,
 * ListParts, CompleteMultipartUpload, AbortMultipartUpload), kept beside `DirectUploadSigner`
 * because only the gateway drives it. Clients upload the parts straight to the URLs of
 * {@link MultipartUploads.signPart}; everything else happens server-side.
 *
 * Promised: an upload writes only its own key, and only at `complete`; `abort` leaves nothing
 * behind and is idempotent; an unknown upload id, or an upload id used with another key, is
 * `IngestError('not_found')`. Not promised: part size limits (S3 enforces 5 MiB for every part
 * but the last; the local store does not), nor that `listParts` works on every S3-compatible
 * server (s3rver lacks it) — callers check the completed object itself.
 */
export interface MultipartUploads {
  create(input: { key: string; contentType: string }): Promise<MultipartUploadRef>;
  /** A URL to PUT part `partNumber` to, valid for `expiresInSeconds`. */
  signPart(input: MultipartUploadRef & { partNumber: number; expiresInSeconds: number }): Promise<SignedPart>;
  /** The parts uploaded so far, by part number. */
  listParts(input: MultipartUploadRef): Promise<UploadedPart[]>;
  /** Assembles the parts (in the order given, each with the ETag its upload answered) into `key`. */
  complete(input: MultipartUploadRef & { parts: Array<{ partNumber: number; etag: string }> }): Promise<void>;
  /** Drops the upload and its parts. Idempotent: aborting an unknown or finished upload succeeds. */
  abort(input: MultipartUploadRef): Promise<void>;
}

/** Highest part number S3 allows. */
export const MAX_PART_NUMBER = 10_000;
