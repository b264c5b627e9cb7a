import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { IngestError } from '@ingestkit/contracts';
import type { MultipartUploadRef, MultipartUploads, SignPartLimits } from './multipart-uploads';

/** Where the gateway receives relayed parts: `<base><path><uploadId>/<partNumber>?…`. */
export const LOCAL_PART_PATH = '/v1/local-uploads/parts/';

/**
 * A multipart store whose parts can go through the gateway: the local store always (it has no
 * endpoint of its own), S3 for parts whose size the client did not declare (a presigned
 * UploadPart cannot bound them; see s3-multipart-uploads.ts). The gateway's part route verifies
 * the URL, meters the bytes against the caps while they stream and calls `putPart`.
 */
export interface RelayedPartUploads extends MultipartUploads {
  /**
   * Stores one part from a stream; answers its ETag (quoted, as S3). `bytes`: the request's
   * `Content-Length`; a store that must know the size up front (S3) refuses a part without it
   * (`length_required`).
   */
  putPart(
    input: MultipartUploadRef & { partNumber: number; body: Readable; bytes?: number },
  ): Promise<{ etag: string; bytes: number }>;
}

/** The gateway's part URLs: its public base and the secret that signs them. */
export interface PartRelay {
  /** The gateway's public base URL (a function: tests learn their port after listening). */
  baseUrl: string | (() => string);
  /** A secret of at least 32 bytes only the gateway knows. */
  secret: string;
}

// v2: the part's byte cap is signed too, so a client cannot raise it by editing the URL.
const canonical = (ref: MultipartUploadRef, partNumber: number, expires: number, maxBytes: number) =>
  ['local-part/v2', ref.uploadId, partNumber, ref.key, expires, maxBytes].join('\n');
const mac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('base64url');
// Store upload ids are opaque (S3's are long base64-like strings); the signature vouches for them.
const UPLOAD_ID = /^[A-Za-z0-9._~=+/-]{1,1024}$/;

/**
 * A gateway URL for one part, expiring after `expiresInSeconds`, its byte cap (the declared
 * size if any, else `maxBytes`) under the signature.
 */
export function signRelayedPart(
  relay: PartRelay,
  input: MultipartUploadRef & SignPartLimits & { partNumber: number; expiresInSeconds: number },
): { url: string; expiresAt: Date } {
  const expires = Math.floor(Date.now() / 1000) + input.expiresInSeconds;
  const base = typeof relay.baseUrl === 'function' ? relay.baseUrl() : relay.baseUrl;
  const url = new URL(`${base.replace(/\/+$/, '')}${LOCAL_PART_PATH}${encodeURIComponent(input.uploadId)}/${input.partNumber}`);
  const maxBytes = Math.min(input.maxBytes, input.bytes ?? input.maxBytes);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new IngestError('bad_request', 'a part URL needs a byte cap of at least 1', { details: { maxBytes } });
  }
  url.search = new URLSearchParams({
    key: input.key,
    expires: String(expires),
    max: String(maxBytes),
    signature: mac(relay.secret, canonical(input, input.partNumber, expires, maxBytes)),
  }).toString();
  return { url: url.href, expiresAt: new Date(expires * 1000) };
}

/**
 * Checks a part URL as received (upload id and part number from the path, the query as parsed):
 * `signature_invalid` when anything was changed (the byte cap included), `url_expired` past its
 * expiry. Answers the part and its signed byte cap (`maxBytes`).
 */
export function verifyRelayedPart(input: {
  uploadId: string;
  partNumber: string;
  query: Record<string, unknown>;
  secret: string;
  now?: Date;
}): MultipartUploadRef & { partNumber: number; maxBytes: number } {
  const field = (name: string) => (typeof input.query[name] === 'string' ? (input.query[name] as string) : '');
  const partNumber = Number(input.partNumber);
  const expires = Number(field('expires'));
  const maxBytes = Number(field('max'));
  const ref = { key: field('key'), uploadId: input.uploadId };
  const invalid = new IngestError('signature_invalid', 'the part URL is not one the gateway signed (or was altered)');
  if (
    !UPLOAD_ID.test(ref.uploadId) ||
    !Number.isSafeInteger(expires) ||
    !Number.isSafeInteger(maxBytes) ||
    maxBytes < 1 ||
    !/^\d{1,5}$/.test(input.partNumber)
  ) {
    throw invalid;
  }
  const expected = Buffer.from(mac(input.secret, canonical(ref, partNumber, expires, maxBytes)));
  const presented = Buffer.from(field('signature'));
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) throw invalid;
  if ((input.now ?? new Date()).getTime() > expires * 1000) {
    throw new IngestError('url_expired', 'the part URL has expired; ask for a new one');
  }
  return { ...ref, partNumber, maxBytes };
}

/** Whether parts of this store can be relayed through the gateway (see {@link RelayedPartUploads}). */
export function relaysParts(multipart: MultipartUploads): multipart is RelayedPartUploads {
  return 'putPart' in multipart;
}
