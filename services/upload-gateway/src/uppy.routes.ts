import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  AssetOptions,
  ImageContentType,
  IngestError,
  newAssetId,
  stagingKeys,
  UppyCompleteRequest,
  UppyCreateMultipartRequest,
  type DestinationKind,
  type UppyCompleteResponse,
  type UppyCreateMultipartResponse,
  type UppyPart,
  type UppySignedPart,
  type UppySignedParts,
  type UppyUploadParams,
} from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import type { Redis } from '@ingestkit/runtime';
import { MAX_PART_NUMBER, type DirectUploadSigner, type MultipartUploads } from '@ingestkit/storage';
import { principalOf } from './auth';
import type { Intake } from './intake';
import type { MultipartSessions } from './multipart-sessions';
import { parseBody } from './parse-body';
import { applyTokenLimits, assertTokenCovers, countTokenUpload } from './token-limits';
import { UPLOAD_TOKEN_PREFIX } from './upload-token';

/** Where the routes live: `<base>/s3/…` (token in `Authorization`) and `<base>/<token>/s3/…`. */
export const UPPY_BASE = '/v1/uppy';

export interface UppyRoutesDeps {
  sessions: MultipartSessions;
  multipart: MultipartUploads;
  signer: DirectUploadSigner;
  intake: Intake;
  registry: AssetRegistry;
  maxUploadBytes: number;
  expiresInSeconds: number;
  destinations: readonly DestinationKind[];
  assertQueueAvailable(): Promise<void>;
  requireUploader: RequestHandler;
  idempotent: RequestHandler;
  redis: Redis;
  prefix: string;
}

/** Uppy metadata that are asset options rather than metadata; `name`/`type` repeat the file's. */
const OPTION_FIELDS = new Set(['folder', 'destination', 'policy', 'tags', 'name', 'type', 'relativePath']);

/**
 * Companion's S3 routes, so `@uppy/aws-s3` uploads to ingestkit unchanged: 5.x with
 * `endpoint: '<gateway>/v1/uppy'` and the upload token in `headers`, 6.x with
 * `companionEndpoint: '<gateway>/v1/uppy/<token>'` (it sends no headers, so the token is a path
 * segment; only upload tokens are accepted there, never API keys, which must stay out of URLs).
 *
 * Every upload is a new `awaiting_upload` asset at a server-generated staging key; Uppy's
 * `filename` is only the asset's (sanitised) file name. A multipart upload completes here:
 * the cap is checked, the parts assembled, the object verified and validation queued, as by
 * `POST /v1/assets/:id/complete`. A single-part upload (`/s3/params`) completes like any
 * presigned upload: by an S3 event, or the app calling `POST /v1/assets/:id/complete`.
 */
export function uppyRoutes(deps: UppyRoutesDeps): Router {
  const router = Router();
  const optionsSchema = AssetOptions.refine((value) => !value.destination || deps.destinations.includes(value.destination), {
    path: ['destination'],
    message: `one of ${deps.destinations.join(', ')}`,
  });

  /** Creates the asset of a new upload, within the caller's limits. */
  async function startAsset(res: Response, input: { filename: string; type: string; metadata: Record<string, unknown> }) {
    await deps.assertQueueAvailable();
    const principal = principalOf(res);
    const contentType = ImageContentType.safeParse(input.type);
    if (!contentType.success) {
      throw new IngestError('unsupported_media_type', `uploads must be images (${ImageContentType.options.join(', ')})`, {
        details: { type: input.type },
      });
    }
    const { folder, destination, policy, tags } = input.metadata;
    const metadata = Object.fromEntries(
      Object.entries(input.metadata).filter(([name, value]) => !OPTION_FIELDS.has(name) && value !== null),
    );
    const request = parseBody(optionsSchema, {
      folder,
      destination,
      policy,
      tags:
        typeof tags === 'string'
          ? tags
              .split(',')
              .map((tag) => tag.trim())
              .filter(Boolean)
          : tags,
      metadata,
    });
    const { options, maxBytes } = applyTokenLimits(principal, request, deps.maxUploadBytes);
    await countTokenUpload(deps, principal);
    const assetId = newAssetId();
    res.locals.assetId = assetId;
    const key = stagingKeys.original(assetId);
    // The size is unknown until completion: the cap stands in for it, and is what completion enforces.
    const asset = await deps.intake.awaitUpload({
      assetId,
      options,
      fileName: input.filename,
      original: { key, bytes: maxBytes, contentType: contentType.data },
    });
    return { asset, key, maxBytes, contentType: contentType.data };
  }

  /** The open upload named by `:uploadId` and `?key`, if the caller's token covers its asset. */
  async function findSession(req: Request, res: Response) {
    const key = typeof req.query.key === 'string' ? req.query.key : '';
    const session = await deps.sessions.find({ key, uploadId: String(req.params.uploadId) });
    res.locals.assetId = session.assetId;
    const asset = await deps.registry.get(session.assetId);
    if (!asset) throw new IngestError('not_found', `asset ${session.assetId} does not exist`);
    assertTokenCovers(principalOf(res), asset);
    return session;
  }

  const signPart = async (session: { key: string; uploadId: string }, partNumber: number) => {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new IngestError('bad_request', `part numbers are 1 to ${MAX_PART_NUMBER}`);
    }
    return deps.multipart.signPart({ ...session, partNumber, expiresInSeconds: deps.expiresInSeconds });
  };

  for (const base of [UPPY_BASE, `${UPPY_BASE}/:token`]) {
    const auth = base.endsWith(':token') ? [tokenFromPath, deps.requireUploader] : [deps.requireUploader];

    router.get(`${base}/s3/params`, ...auth, async (req, res) => {
      const query = req.query as Record<string, unknown>;
      const metadata = Object.fromEntries(
        Object.entries(query).flatMap(([name, value]) => {
          const field = /^metadata\[(.+)\]$/.exec(name)?.[1];
          return field && typeof value === 'string' ? [[field, value]] : [];
        }),
      );
      const { asset, key, maxBytes, contentType } = await startAsset(res, {
        filename: typeof query.filename === 'string' && query.filename ? query.filename : 'upload',
        type: typeof query.type === 'string' ? query.type : '',
        metadata,
      });
      // A POST form, as Companion answers: 6.x posts `fields` whatever the method says.
      const method = deps.signer.methods.includes('POST') ? 'POST' : 'PUT';
      const upload = await deps.signer.sign({
        key,
        contentType,
        bytes: maxBytes,
        maxBytes,
        method,
        expiresInSeconds: deps.expiresInSeconds,
      });
      const body: UppyUploadParams = {
        method: upload.method,
        url: upload.url,
        // `fields.key` is where Uppy learns the key (the local store ignores the extra field).
        ...(upload.fields ? { fields: { key, ...upload.fields } } : {}),
        ...(upload.headers ? { headers: upload.headers } : {}),
        key,
        assetId: asset.id,
      };
      res.json(body);
    });

    router.post(`${base}/s3/multipart`, ...auth, express.json({ limit: '64kb' }), deps.idempotent, async (req, res) => {
      const request = parseBody(UppyCreateMultipartRequest, req.body);
      const { asset, maxBytes, contentType } = await startAsset(res, {
        filename: request.filename,
        type: request.type,
        metadata: request.metadata ?? {},
      });
      const ref = await deps.sessions.start({ assetId: asset.id, contentType, maxBytes });
      const body: UppyCreateMultipartResponse = { key: ref.key, uploadId: ref.uploadId, assetId: asset.id };
      res.json(body);
    });

    router.get(`${base}/s3/multipart/:uploadId/batch`, ...auth, async (req, res) => {
      const session = await findSession(req, res);
      const numbers = String(req.query.partNumbers ?? '')
        .split(',')
        .filter(Boolean)
        .map(Number);
      if (numbers.length === 0 || numbers.length > 1000) {
        throw new IngestError('bad_request', 'partNumbers: 1 to 1000 comma-separated part numbers');
      }
      const signed = await Promise.all(numbers.map((n) => signPart(session, n)));
      const body: UppySignedParts = {
        presignedUrls: Object.fromEntries(numbers.map((n, i) => [String(n), signed[i]!.url])),
      };
      res.json(body);
    });

    router.get(`${base}/s3/multipart/:uploadId/:partNumber`, ...auth, async (req, res) => {
      const session = await findSession(req, res);
      const signed = await signPart(session, Number(req.params.partNumber));
      const body: UppySignedPart = {
        url: signed.url,
        ...(signed.headers ? { headers: signed.headers } : {}),
        expires: deps.expiresInSeconds,
      };
      res.json(body);
    });

    router.get(`${base}/s3/multipart/:uploadId`, ...auth, async (req, res) => {
      const session = await findSession(req, res);
      const parts = await deps.multipart.listParts(session);
      const body: UppyPart[] = parts.map((part) => ({ PartNumber: part.partNumber, Size: part.bytes, ETag: part.etag }));
      res.json(body);
    });

    router.post(
      `${base}/s3/multipart/:uploadId/complete`,
      ...auth,
      express.json({ limit: '2mb' }),
      deps.idempotent,
      async (req, res) => {
        const session = await findSession(req, res);
        const request = parseBody(UppyCompleteRequest, req.body);
        const asset = await deps.sessions.complete(
          session,
          request.parts.map((part) => ({ partNumber: part.PartNumber, etag: part.ETag })),
        );
        const body: UppyCompleteResponse = {
          location: `${req.protocol}://${req.get('host')}/v1/assets/${asset.id}`,
          key: session.key,
          assetId: asset.id,
        };
        res.location(`/v1/assets/${asset.id}`).json(body);
      },
    );

    router.delete(`${base}/s3/multipart/:uploadId`, ...auth, async (req, res) => {
      const session = await findSession(req, res);
      await deps.sessions.abort(session, 'the client aborted the multipart upload');
      res.json({});
    });
  }
  return router;
}

/** `<base>/<token>/…`: the upload token as a path segment becomes the request's bearer. */
const tokenFromPath: RequestHandler = (req, res, next) => {
  const token = String(req.params.token);
  if (!token.startsWith(UPLOAD_TOKEN_PREFIX)) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    next(new IngestError('unauthorized', 'only an upload token may be a path segment of the Uppy routes'));
    return;
  }
  req.headers.authorization = `Bearer ${token}`;
  next();
};
