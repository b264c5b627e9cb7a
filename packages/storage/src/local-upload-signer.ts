import { createHmac, timingSafeEqual } from 'node:crypto';
import { IngestError } from '@ingestkit/contracts';
import type { DirectUploadRequest, DirectUploadSigner, SignedDirectUpload } from './direct-upload-signer';
import { validateKey } from './keys';

/** Where the gateway serves the local store's direct uploads; the key follows. */
export const LOCAL_UPLOAD_PATH = '/v1/local-uploads/';

/** Options of {@link createLocalUploadSigner}. */
export interface LocalUploadSignerOptions {
  /** The gateway's public base URL (a function: tests learn their port after listening). */
  baseUrl: string | (() => string);
  /** A secret of at least 32 bytes only the gateway knows. */
  secret: string;
}

/** What a valid local upload URL grants. */
export interface LocalUploadGrant {
  key: string;
  method: 'PUT' | 'POST';
  maxBytes: number;
  contentType: string;
  expiresAt: Date;
  /** The signature, unique per grant: the single-use marker. */
  signature: string;
}

const canonical = (grant: Omit<LocalUploadGrant, 'signature' | 'expiresAt'> & { expires: number }) =>
  ['local-upload/v1', grant.method, grant.key, grant.expires, grant.maxBytes, grant.contentType].join('\n');

const sign = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('base64url');

/**
 * The direct uploads of the local store: the gateway signs its own URLs
 * (`<base>/v1/local-uploads/<key>?method&expires&max&type&signature`, HMAC-SHA256 over all of
 * them) and serves them (`verifyLocalUpload`), so the embedded default supports the same
 * presign → upload → complete flow as S3. PUT sends the raw bytes; POST a multipart form with one
 * `file` field. Size is the declared size, enforced while streaming.
 */
export function createLocalUploadSigner(options: LocalUploadSignerOptions): DirectUploadSigner {
  return {
    methods: ['PUT', 'POST'],
    sign(request: DirectUploadRequest): Promise<SignedDirectUpload> {
      validateKey(request.key);
      const expires = Math.floor(Date.now() / 1000) + request.expiresInSeconds;
      const maxBytes = Math.min(request.bytes, request.maxBytes);
      const signature = sign(options.secret, canonical({ ...request, maxBytes, expires }));
      const base = typeof options.baseUrl === 'function' ? options.baseUrl() : options.baseUrl;
      const url = new URL(`${base.replace(/\/+$/, '')}${LOCAL_UPLOAD_PATH}${request.key}`);
      url.search = new URLSearchParams({
        method: request.method,
        expires: String(expires),
        max: String(maxBytes),
        type: request.contentType,
        signature,
      }).toString();
      const expiresAt = new Date(expires * 1000);
      return Promise.resolve(
        request.method === 'PUT'
          ? { method: 'PUT', url: url.href, headers: { 'Content-Type': request.contentType }, expiresAt }
          : { method: 'POST', url: url.href, fields: {}, expiresAt },
      );
    },
  };
}

/**
 * Checks a local upload URL as received (`key` from the path, the query as parsed) and returns
 * what it grants. `signature_invalid` when anything was changed or is missing, `url_expired` when
 * it is past its expiry (checked after the signature, so a forged expiry is `signature_invalid`).
 */
export function verifyLocalUpload(input: {
  key: string;
  method: string;
  query: Record<string, unknown>;
  secret: string;
  now?: Date;
}): LocalUploadGrant {
  const field = (name: string) => (typeof input.query[name] === 'string' ? (input.query[name] as string) : '');
  const expires = Number(field('expires'));
  const maxBytes = Number(field('max'));
  const method = field('method');
  const invalid = () => new IngestError('signature_invalid', 'the upload URL is not one the gateway signed (or was altered)');
  if (method !== input.method || !Number.isSafeInteger(expires) || !Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw invalid();
  try {
    validateKey(input.key);
  } catch {
    throw invalid();
  }
  const grant = { key: input.key, method: method as 'PUT' | 'POST', maxBytes, contentType: field('type') };
  const expected = Buffer.from(sign(input.secret, canonical({ ...grant, expires })));
  const presented = Buffer.from(field('signature'));
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) throw invalid();
  const expiresAt = new Date(expires * 1000);
  if ((input.now ?? new Date()).getTime() > expiresAt.getTime()) {
    throw new IngestError('url_expired', 'the upload URL has expired; ask for a new one', {
      details: { expiresAt: expiresAt.toISOString() },
    });
  }
  return { ...grant, expiresAt, signature: field('signature') };
}
