import type { Request, Response } from 'express';
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
import { defineRoute, type Route, type RouteParameter } from '../http/route';
import type { UppyUploads } from './uppy-uploads';

/** Where the routes live: `<base>/s3/…` (token in `Authorization`) and `<base>/<token>/s3/…`. */
export const UPPY_BASE = '/v1/uppy';

export interface UppyRoutesDeps {
  uploads: UppyUploads;
  sessions: MultipartSessions;
  multipart: MultipartUploads;
  expiresInSeconds: number;
}

/** The two ways in: the token (or an API key) in `Authorization`, or an upload token as a path segment. */
export const UPPY_BASES = [
  { base: UPPY_BASE, auth: 'uploader' },
  { base: `${UPPY_BASE}/:token`, auth: 'pathToken' },
] as const;

/** `:token` of `<base>/:token/…`. */
export const uppyTokenParameter: RouteParameter = {
  name: 'token',
  in: 'path',
  description: 'An upload token (`ut1.…`), for clients that send no headers (@uppy/aws-s3 6.x `companionEndpoint`)',
  schema: { type: 'string', pattern: '^ut1\\.' },
};

const query = (name: string, description: string, required = true): RouteParameter => ({
  name,
  in: 'query',
  required,
  description,
});
const uploadIdParameter: RouteParameter = { name: 'uploadId', in: 'path' };
const keyParameter = query('key', 'The staging key the create call answered (`staging/<assetId>/original`)');
/** The refusals of every route that starts an upload (a new asset, admitted like any other). */
export const newUploadErrors = [
  ['forbidden', 'outside the upload token limits'],
  'bad_request',
  'unsupported_media_type',
  'dependency_unavailable',
] as const;
/** The refusals of every route that reaches an open multipart upload. */
const sessionErrors = [
  ['forbidden', 'outside the upload token limits'],
  ['not_found', 'no open multipart upload with this uploadId and key'],
] as const;

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
export function uppyRoutes(deps: UppyRoutesDeps): Route[] {
  const { uploads } = deps;
  const findSession = (req: Request, res: Response) =>
    uploads.findSession(res, {
      key: typeof req.query.key === 'string' ? req.query.key : '',
      uploadId: String(req.params.uploadId),
    });

  return UPPY_BASES.flatMap(({ base, auth }): Route[] => {
    const token = auth === 'pathToken' ? [uppyTokenParameter] : [];
    return [
      defineRoute({
        method: 'get',
        path: `${base}/s3/params`,
        summary: 'Uppy single-part upload: a new asset and a POST form to upload it straight to staging',
        auth,
        parameters: [
          ...token,
          query('filename', 'The file name (sanitised; never the key)'),
          query('type', 'An image content type'),
        ],
        answers: { 200: { description: 'Where and how to upload', body: { component: 'UppyUploadParams' } } },
        errors: newUploadErrors,
        handle: async (req, res) => {
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
        },
      }),
      defineRoute({
        method: 'post',
        path: `${base}/s3/multipart`,
        summary: 'Uppy multipart upload: a new asset and its multipart upload',
        auth,
        parameters: token,
        body: { contentType: 'application/json', schema: { component: 'UppyCreateMultipartRequest' } },
        before: [jsonBody({ limit: '64kb' })],
        idempotent: true,
        answers: {
          200: { description: 'The staging key and upload id', body: { component: 'UppyCreateMultipartResponse' } },
        },
        errors: newUploadErrors,
        handle: async (req, res) => {
          const request = parseBody(UppyCreateMultipartRequest, req.body);
          const body = await uploads.multipart(res, {
            filename: request.filename,
            type: request.type,
            metadata: request.metadata ?? {},
          });
          res.json(body);
        },
      }),
      defineRoute({
        method: 'get',
        path: `${base}/s3/multipart/:uploadId/batch`,
        summary: 'Uppy: sign several parts',
        auth,
        parameters: [
          ...token,
          uploadIdParameter,
          keyParameter,
          query('partNumbers', 'Comma-separated part numbers (1 to 1000 of them, each 1 to 10000)'),
        ],
        answers: { 200: { description: 'A URL per part', body: { component: 'UppySignedParts' } } },
        errors: [...sessionErrors, ['bad_request', 'partNumbers: 1 to 1000 part numbers']],
        handle: async (req, res) => {
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
        },
      }),
      defineRoute({
        method: 'get',
        path: `${base}/s3/multipart/:uploadId/:partNumber`,
        summary: 'Uppy: sign one part (PUT the bytes; the answer carries its ETag)',
        auth,
        parameters: [
          ...token,
          uploadIdParameter,
          { name: 'partNumber', in: 'path', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
          keyParameter,
          {
            name: 'size',
            in: 'query',
            description:
              'Optional (Uppy does not send it): the part size in bytes. Held to what the upload has left of its cap; on S3 signed into the URL as its Content-Length.',
            schema: { type: 'integer', minimum: 1 },
          },
        ],
        answers: { 200: { description: 'Where to PUT the part', body: { component: 'UppySignedPart' } } },
        errors: [
          ...sessionErrors,
          'bad_request',
          ['payload_too_large', 'the upload has no bytes left, or not the declared size'],
        ],
        handle: async (req, res) => {
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
        },
      }),
      defineRoute({
        method: 'get',
        path: `${base}/s3/multipart/:uploadId`,
        summary: 'Uppy: the parts uploaded so far',
        auth,
        parameters: [...token, uploadIdParameter, keyParameter],
        answers: { 200: { description: 'The parts', body: { type: 'array', items: { $ref: '#/components/schemas/UppyPart' } } } },
        errors: sessionErrors,
        handle: async (req, res) => {
          const session = await findSession(req, res);
          const parts = await deps.multipart.listParts(session);
          const body: UppyPart[] = parts.map((part) => ({ PartNumber: part.partNumber, Size: part.bytes, ETag: part.etag }));
          res.json(body);
        },
      }),
      defineRoute({
        method: 'post',
        path: `${base}/s3/multipart/:uploadId/complete`,
        summary: 'Uppy: complete the multipart upload, verify the object and queue the asset',
        auth,
        parameters: [...token, uploadIdParameter, keyParameter],
        body: { contentType: 'application/json', schema: { component: 'UppyCompleteRequest' } },
        before: [jsonBody({ limit: '2mb' })],
        idempotent: true,
        answers: {
          200: {
            description: 'The asset URL and key',
            body: { component: 'UppyCompleteResponse' },
            headers: { Location: { description: '/v1/assets/{id}' } },
          },
        },
        errors: [
          ...sessionErrors,
          ['bad_request', 'a part listed twice, out of ascending order, or never uploaded'],
          'upload_missing',
          ['payload_too_large', 'the parts add up to more than the limit (upload aborted, asset rejected)'],
          ['unsupported_media_type', 'not an accepted image'],
        ],
        handle: async (req, res) => {
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
      }),
      defineRoute({
        method: 'delete',
        path: `${base}/s3/multipart/:uploadId`,
        summary: 'Uppy: abort the multipart upload (its asset is rejected)',
        auth,
        parameters: [...token, uploadIdParameter, keyParameter],
        answers: { 200: { description: 'Aborted', body: { type: 'object' } } },
        errors: sessionErrors,
        handle: async (req, res) => {
          const session = await findSession(req, res);
          await deps.sessions.abort(session, 'the client aborted the multipart upload');
          res.json({});
        },
      }),
    ];
  });
}
