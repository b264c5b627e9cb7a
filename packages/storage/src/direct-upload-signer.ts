/** How a client sends the bytes of a direct upload (what the gateway hands back from presign). */
export interface SignedDirectUpload {
  method: 'PUT' | 'POST';
  url: string;
  /** POST: form fields to send before the file field (the file goes last, named `file`). */
  fields?: Record<string, string>;
  /** PUT: headers the request must carry, because they are part of the signature. */
  headers?: Record<string, string>;
  expiresAt: Date;
}

/** Arguments of {@link DirectUploadSigner.sign}. */
export interface DirectUploadRequest {
  /** The staging key the bytes must land at (server-generated; passes `validateKey`). */
  key: string;
  contentType: string;
  /** The size the client declared; a PUT is signed for exactly this size where the store can pin it. */
  bytes: number;
  /** The largest object the store may accept (POST `content-length-range`; the local PUT limit). */
  maxBytes: number;
  method: 'PUT' | 'POST';
  expiresInSeconds: number;
}

/**
 * The optional direct-upload capability of a staging store, kept out of `ObjectStore` because
 * only the gateway signs uploads: a URL (and fields or headers) that let a client write one
 * object at one key, for a limited time, without credentials.
 *
 * Promised: the grant covers only `key` and expires at `expiresAt`. Not promised: that the store
 * enforces the size or content type (S3 POST policies do; a presigned PUT pins the size only if
 * the client sends it; s3rver enforces nothing) — so the gateway verifies every object at
 * completion, whatever the signer promised.
 */
export interface DirectUploadSigner {
  /** Methods this signer can grant. */
  readonly methods: readonly ('PUT' | 'POST')[];
  sign(request: DirectUploadRequest): Promise<SignedDirectUpload>;
}
