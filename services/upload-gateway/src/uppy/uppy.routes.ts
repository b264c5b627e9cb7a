import { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  IngestError,
  UppyCompleteRequest,
  UppyCreateMultipartRequest,
  type UppyCompleteResponse,
  type UppyPart,
  type UppySignedPart,
  type UppySignedParts,
} from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import type { MultipartUploads } from '@ingestkit/storage';
import type { MultipartSessions } from '../multipart/multipart-sessions';
import { parseBody } from '../http/parse-body';
import type { UppyUploads } from './uppy-uploads';

/** Where the routes live: `<base>/s3/…` (token in `Authorization`) and `<base>/<token>/s3/…`. */
export const UPPY_BASE = '/v1/uppy';

export interface UppyRoutesDeps {
  uploads: UppyUploads;
  sessions: MultipartSessions;
  multipart: MultipartUploads;
  expiresInSeconds: number;
  /** See `uppyAuth`. */
  auth: { header: RequestHandler[]; path: RequestHandler[] };
  idempotent: RequestHandler;
}

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
  const { uploads, auth: chains } = deps;
  const findSession = (req: Request, res: Response) =>
    uploads.findSession(res, {
      key: typeof req.query.key === 'string' ? req.query.key : '',
      uploadId: String(req.params.uploadId),
    });

  for (const base of [UPPY_BASE, `${UPPY_BASE}/:token`]) {
    const auth = base.endsWith(':token') ? chains.path : chains.header;

    router.get(`${base}/s3/params`, ...auth, async (req, res) => {
      const query = req.query as Record<string, unknown>;
      const metadata = Object.fromEntries(
        Object.entries(query).flatMap(([name, value]) => {
          const field = /^metadata\[(.+)\]$/.exec(name)?.[1];
          return field && typeof value === 'string' ? [[field, value]] : [];
        }),
      );
      const body = await uploads.singlePart(res, {
        filename: typeof query.filename === 'string' && query.filename ? query.filename : 'upload',
        type: typeof query.type === 'string' ? query.type : '',
        metadata,
      });
      res.json(body);
    });

    router.post(`${base}/s3/multipart`, ...auth, jsonBody({ limit: '64kb' }), deps.idempotent, async (req, res) => {
      const request = parseBody(UppyCreateMultipartRequest, req.body);
      const body = await uploads.multipart(res, {
        filename: request.filename,
        type: request.type,
        metadata: request.metadata ?? {},
      });
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
      const signed = await Promise.all(numbers.map((n) => uploads.signPart(session, n)));
      const body: UppySignedParts = {
        presignedUrls: Object.fromEntries(numbers.map((n, i) => [String(n), signed[i]!.url])),
      };
      res.json(body);
    });

    router.get(`${base}/s3/multipart/:uploadId/:partNumber`, ...auth, async (req, res) => {
      const session = await findSession(req, res);
      // `size` (not sent by Uppy): the part's size, which S3 then pins in the URL.
      const size = typeof req.query.size === 'string' ? Number(req.query.size) : undefined;
      const signed = await uploads.signPart(session, Number(req.params.partNumber), size);
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
      jsonBody({ limit: '2mb' }),
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
