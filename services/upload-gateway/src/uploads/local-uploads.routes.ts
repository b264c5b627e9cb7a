import type { Request, Response } from 'express';
import { IngestError, stagingKeys } from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Redis } from '@ingestkit/runtime';
import { defineRoute, signedParameter, type Route } from '../http/route';
import { SniffGuard } from '@ingestkit/imaging';
import { guardedUpload, verifyLocalUpload, type HashPool, type LocalUploadGrant, type ObjectStore } from '@ingestkit/storage';
import { receiveMultipartUpload } from './multipart-upload';

export interface LocalUploadRoutesDeps {
  staging: ObjectStore;
  registry: AssetRegistry;
  /** The derived local-upload secret (see signing-keys.ts). */
  secret: string;
  redis: Redis;
  /** The service's hashing threads (inline without). */
  hashPool?: HashPool;
  prefix: string;
}

/**
 * The local store's direct uploads (`PUT` raw bytes, or `POST` a form with one `file`) at the
 * URLs `createLocalUploadSigner` signs. No API key: the signature is the authorization. Enforced
 * here: the signature (403 `signature_invalid`), the expiry (403 `url_expired`), single use
 * (403 `url_already_used`; a failed upload frees the URL again), the signed size while the
 * bytes stream (413, nothing kept), a PUT's `Content-Type` equal to the signed one (415, as a
 * presigned S3 PUT refuses another type) and that the bytes are an image (415).
 */
export function localUploadRoutes(deps: LocalUploadRoutesDeps): Route[] {
  return [
    defineRoute({
      ...localUpload('PUT'),
      method: 'put',
      body: { contentType: 'image/*', schema: { type: 'string', format: 'binary' } },
      handle: (req, res) => storeLocalUpload(deps, 'PUT', req, res),
    }),
    defineRoute({
      ...localUpload('POST'),
      method: 'post',
      body: {
        contentType: 'multipart/form-data',
        schema: {
          type: 'object',
          description: 'The `upload.fields` of the presign answer, then the `file` part',
          properties: { file: { type: 'string', format: 'binary' } },
          required: ['file'],
        },
      },
      handle: (req, res) => storeLocalUpload(deps, 'POST', req, res),
    }),
  ];
}

/** The parameters (all signed by presign), answers and errors the PUT and the form POST share. */
function localUpload(method: 'PUT' | 'POST') {
  return {
    path: '/v1/local-uploads/*key',
    summary: `Upload the bytes to a URL signed by presign (${method}, local staging store); the signature is the authorization`,
    auth: 'signed',
    parameters: [
      { name: 'key', in: 'path', description: 'The staging key of the upload (`staging/<assetId>/original`)' },
      signedParameter('method', 'The signed method (PUT or POST)'),
      signedParameter('expires', 'Unix seconds'),
      signedParameter('max', 'The largest size in bytes the upload may have'),
      signedParameter('type', 'The signed Content-Type'),
      signedParameter('signature', 'HMAC of the grant'),
    ],
    answers: {
      204: {
        description: 'Stored',
        headers: { ETag: { description: 'An opaque tag of the stored bytes (Uppy reads one from every upload)' } },
      },
    },
    errors: [
      ['signature_invalid', 'not a URL this gateway signed'],
      ['url_expired', 'past `expires`'],
      ['url_already_used', 'the URL stored an upload already (a failed upload frees it again)'],
      ['conflict', 'the asset is not awaiting an upload'],
      ['payload_too_large', 'more bytes than signed for; nothing kept'],
      ['unsupported_media_type', 'a Content-Type other than the signed `type`, or not an accepted image'],
      ['storage_read_only', 'staging refuses writes; nothing kept, the URL can be used again'],
      ['storage_full', 'staging has no space left; nothing kept, the URL can be used again'],
    ],
  } satisfies Omit<Route, 'method' | 'handle'>;
}

/**
 * Checks a signed local upload and streams its bytes into staging (see `localUploadRoutes`); the
 * request is the upload's body, hence `req`/`res` (a refusal closes the connection).
 */
async function storeLocalUpload(deps: LocalUploadRoutesDeps, method: 'PUT' | 'POST', req: Request, res: Response): Promise<void> {
  const key = ((req.params as { key?: string[] }).key ?? []).join('/');
  const grant = verifyLocalUpload({ key, method, query: req.query, secret: deps.secret });
  const assetId = stagingKeys.assetIdOfOriginal(key);
  if (!assetId) throw new IngestError('signature_invalid', 'not an upload URL');
  res.locals.assetId = assetId;
  if (method === 'PUT' && mediaType(req.headers['content-type']) !== mediaType(grant.contentType)) {
    res.setHeader('Connection', 'close');
    throw new IngestError('unsupported_media_type', `the upload was signed for Content-Type ${grant.contentType}`, {
      details: { expected: grant.contentType, received: req.headers['content-type'] ?? null },
    });
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (method === 'PUT' && declared > grant.maxBytes) {
    res.setHeader('Connection', 'close');
    throw new IngestError('payload_too_large', `the upload is larger than the ${grant.maxBytes} bytes it was signed for`, {
      details: { maxBytes: grant.maxBytes },
    });
  }
  const asset = await deps.registry.get(assetId);
  if (asset?.status !== 'awaiting_upload') {
    throw new IngestError('conflict', 'this asset is not waiting for an upload', { details: { status: asset?.status } });
  }
  const usedKey = `${deps.prefix}:local-upload-used:${grant.signature}`;
  const expiresAt = Math.ceil(grant.expiresAt.getTime() / 1000) + 60;
  if ((await deps.redis.set(usedKey, '1', 'EXAT', expiresAt, 'NX')) === null) {
    throw new IngestError('url_already_used', 'this upload URL was already used; ask for a new one');
  }
  let sha256: string;
  try {
    sha256 = await receive(deps, method, req, grant);
  } catch (err) {
    res.setHeader('Connection', 'close');
    await deps.redis.del(usedKey).catch(() => undefined);
    throw err;
  }
  // Uppy reads an ETag from every upload it sends (S3 answers one); this one is opaque.
  res.setHeader('ETag', `"${sha256.slice(0, 32)}"`);
  res.status(204).end();
}

/** Stores the bytes; answers their SHA-256 (hex). */
async function receive(
  deps: LocalUploadRoutesDeps,
  method: 'PUT' | 'POST',
  req: Request,
  grant: LocalUploadGrant,
): Promise<string> {
  if (method === 'POST') {
    const received = await receiveMultipartUpload(req, {
      store: deps.staging,
      maxBytes: grant.maxBytes,
      keyFor: () => Promise.resolve(grant.key),
      hashPool: deps.hashPool,
    });
    return received.file.sha256;
  }
  const received = await guardedUpload({
    body: req,
    limit: grant.maxBytes,
    sniff: new SniffGuard(),
    hash: { pool: deps.hashPool },
    store: (body) => deps.staging.put({ key: grant.key, body }),
  });
  return received.sha256;
}

/** `type/subtype` of a `Content-Type`, lower-cased, without parameters (`; charset=…`). */
function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}
