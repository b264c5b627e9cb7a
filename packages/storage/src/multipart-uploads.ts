import { IngestError } from '@ingestkit/contracts';

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
 * `IngestError('not_found')`; `complete` refuses a part list that is not strictly ascending
 * (duplicates, out of order) or names a part never uploaded, before anything is joined
 * (`bad_request`, see {@link checkPartList}). Part sizes are bounded where the store can bound
 * them: the local store's part URLs carry `maxBytes` under their signature (the gateway's part
 * route enforces it while the bytes stream); an S3 part URL pins its `Content-Length` only when
 * the client declared `bytes` (a presigned UploadPart cannot carry a range, so an undeclared
 * part is bounded only by S3's 5 GiB part limit until `complete`). Not promised: S3's 5 MiB
 * minimum for every part but the last (the local store does not enforce it), nor that
 * `listParts` works on every S3-compatible server (s3rver lacks it) — callers check the
 * completed object itself.
 */
export interface MultipartUploads {
  create(input: { key: string; contentType: string }): Promise<MultipartUploadRef>;
  /**
   * A URL to PUT part `partNumber` to, valid for `expiresInSeconds`. `maxBytes`: the most the
   * part may hold (the upload's remaining cap); `bytes`: the part's exact size, when the client
   * declared it (pinned as a signed `Content-Length` on S3).
   */
  signPart(input: MultipartUploadRef & SignPartLimits & { partNumber: number; expiresInSeconds: number }): Promise<SignedPart>;
  /** The parts uploaded so far, by part number. */
  listParts(input: MultipartUploadRef): Promise<UploadedPart[]>;
  /** Assembles the parts (in the order given, each with the ETag its upload answered) into `key`. */
  complete(input: MultipartUploadRef & { parts: Array<{ partNumber: number; etag: string }> }): Promise<void>;
  /** Drops the upload and its parts. Idempotent: aborting an unknown or finished upload succeeds. */
  abort(input: MultipartUploadRef): Promise<void>;
}

/** The size limits of one part URL (see {@link MultipartUploads.signPart}). */
export interface SignPartLimits {
  /** The most bytes the part may hold; at least 1. */
  maxBytes: number;
  /** The exact size the client declared for the part, if it did (at most `maxBytes`). */
  bytes?: number;
}

/** Highest part number S3 allows. */
export const MAX_PART_NUMBER = 10_000;

/**
 * Refuses (`bad_request`, with the offending `partNumber` in `details`) a completion's part
 * list that is empty, names a part number outside 1 to {@link MAX_PART_NUMBER}, or is not
 * strictly ascending: a part listed twice would be joined twice (one stored part listed 10 000
 * times is 10 000 times its bytes), and S3 refuses unordered lists (`InvalidPartOrder`) too.
 */
export function checkPartList(parts: ReadonlyArray<{ partNumber: number }>): void {
  if (parts.length === 0) throw new IngestError('bad_request', 'a multipart upload needs at least one part');
  let previous = 0;
  for (const { partNumber } of parts) {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new IngestError('bad_request', `part numbers are 1 to ${MAX_PART_NUMBER}`, { details: { partNumber } });
    }
    if (partNumber === previous) {
      throw new IngestError('bad_request', `part ${partNumber} is listed more than once`, { details: { partNumber } });
    }
    if (partNumber < previous) {
      throw new IngestError(
        'bad_request',
        `parts must be listed in ascending order of part number (${partNumber} after ${previous})`,
        {
          details: { partNumber },
        },
      );
    }
    previous = partNumber;
  }
}
