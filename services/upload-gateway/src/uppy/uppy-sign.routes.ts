import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { IngestError, UppySignRequest, type UppySignResponse } from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import type { MultipartUploads } from '@ingestkit/storage';
import type { MultipartSessions } from '../multipart/multipart-sessions';
import { parseBody } from '../http/parse-body';
import { defineRoute, signedParameter, type Route } from '../http/route';
import { newUploadErrors, UPPY_BASES, uppyTokenParameter } from './uppy.routes';
import type { UppyUploads } from './uppy-uploads';

export interface UppySignRoutesDeps {
  uploads: UppyUploads;
  sessions: MultipartSessions;
  multipart: MultipartUploads;
  /** Derived with `uppySignSecret`. */
  secret: string;
  expiresInSeconds: number;
}

type Operation = 'create' | 'list' | 'complete' | 'abort';
const API_PATH = '/v1/uppy/s3-api';

/**
 * `POST /v1/uppy/sign`: the backend of `@uppy/aws-s3` 6.x's `signRequest` option. Uppy asks
 * to sign one S3 request (`{method, key, uploadId?, partNumber?, contentType?}`) and sends it
 * to the URL answered. The key Uppy generated is ignored: a PutObject or CreateMultipartUpload
 * starts a new asset and answers its staging key (`key`), which Uppy then uses. Part uploads
 * get the store's own part URLs; the other multipart calls (create, list, complete, abort) get
 * URLs of the gateway's small S3-API facade, signed here for one key and upload id, so that
 * completion runs on the gateway (size cap, verification, enqueueing) exactly as on the
 * Companion routes. Single PutObjects answer a POST form and complete like `/s3/params`.
 */
export function uppySignRoutes(deps: UppySignRoutesDeps): Route[] {
  const sign = (op: Operation, key: string, uploadId: string, expires: number) =>
    createHmac('sha256', deps.secret).update(['uppy-s3-api/v1', op, key, uploadId, expires].join('\n')).digest('base64url');
  const apiUrl = (req: Request, op: Operation, key: string, uploadId: string) => {
    const expires = Math.floor(Date.now() / 1000) + deps.expiresInSeconds;
    const url = new URL(`${req.protocol}://${req.get('host')}${API_PATH}/${op}`);
    url.search = new URLSearchParams({
      key,
      uploadId,
      expires: String(expires),
      signature: sign(op, key, uploadId, expires),
    }).toString();
    return url.href;
  };

  const handler = async (req: Request, res: Response) => {
    const request = parseBody(UppySignRequest, req.body);
    let body: UppySignResponse;
    if (request.uploadId === undefined) {
      const fileName = request.key.split('/').pop() ?? 'upload';
      if (request.method === 'PUT') {
        const params = await deps.uploads.singlePart(res, {
          filename: fileName,
          type: request.contentType ?? typeOfName(fileName),
          metadata: {},
        });
        body = {
          url: params.url,
          key: params.key,
          ...(params.fields ? { fields: params.fields } : {}),
          ...(params.headers ? { headers: params.headers } : {}),
        };
      } else if (request.method === 'POST') {
        const ref = await deps.uploads.multipart(res, {
          filename: fileName,
          type: request.contentType ?? typeOfName(fileName),
          metadata: {},
        });
        body = { url: apiUrl(req, 'create', ref.key, ref.uploadId), key: ref.key };
      } else {
        throw new IngestError('bad_request', 'only uploads are signed here (PutObject and the multipart calls)');
      }
    } else {
      const session = await deps.uploads.findSession(res, { key: request.key, uploadId: request.uploadId });
      if (request.method === 'PUT') {
        const part = await deps.uploads.signPart(session, request.partNumber ?? 0, request.size);
        body = { url: part.url, ...(part.headers ? { headers: part.headers } : {}) };
      } else {
        const op: Operation = request.method === 'GET' ? 'list' : request.method === 'POST' ? 'complete' : 'abort';
        body = { url: apiUrl(req, op, session.key, session.uploadId) };
      }
    }
    res.json(body);
  };
  const signRoutes = UPPY_BASES.map(({ base, auth }) =>
    defineRoute({
      method: 'post',
      path: `${base}/sign`,
      summary: 'Uppy 6.x signRequest: sign one S3 request (server-generated keys; multipart calls run on the gateway)',
      auth,
      parameters: auth === 'pathToken' ? [uppyTokenParameter] : [],
      body: { contentType: 'application/json', schema: { component: 'UppySignRequest' } },
      before: [jsonBody({ limit: '16kb' })],
      answers: { 200: { description: 'Where to send the request', body: { component: 'UppySignResponse' } } },
      errors: [...newUploadErrors, ['not_found', 'no open multipart upload with this uploadId and key']],
      handle: handler,
    }),
  );

  /** The facade: what S3 would answer, in S3's XML, for the calls signed above. */
  const verify = (req: Request, op: Operation) => {
    const field = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');
    const expires = Number(field('expires'));
    const expected = Buffer.from(sign(op, field('key'), field('uploadId'), expires));
    const presented = Buffer.from(field('signature'));
    if (!Number.isSafeInteger(expires) || expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
      throw new IngestError('signature_invalid', 'the URL is not one the gateway signed (or was altered)');
    }
    if (Date.now() > expires * 1000) throw new IngestError('url_expired', 'the URL has expired; sign the request again');
    return deps.sessions.find({ key: field('key'), uploadId: field('uploadId') });
  };
  const xml = (res: Response, body: string) =>
    res.type('application/xml').send(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);

  // The signature is in the query: check it before reading (up to 2 MB of) the part list.
  const verifyComplete: RequestHandler = async (req, res, next) => {
    try {
      res.locals.uppySession = await verify(req, 'complete');
    } catch (err) {
      res.setHeader('Connection', 'close');
      throw err;
    }
    next();
  };

  /** A route of the facade: the URL's own signature is its authentication. */
  const facade = (
    op: Operation,
    method: Route['method'],
    summary: string,
    handle: RequestHandler,
    more: Pick<Route, 'before' | 'errors'> = {},
  ) =>
    defineRoute({
      method,
      path: `${API_PATH}/${op}`,
      summary,
      auth: 'signed',
      parameters: [
        signedParameter('key', 'The staging key'),
        signedParameter('uploadId', 'The multipart upload'),
        signedParameter('expires', 'When the URL expires (Unix seconds)'),
        signedParameter('signature', 'Signed by /v1/uppy/sign'),
      ],
      ...(more.before ? { before: more.before } : {}),
      answers: method === 'delete' ? { 204: { description: 'Aborted' } } : { 200: XML_ANSWER },
      errors: ['signature_invalid', 'url_expired', ['not_found', 'no such upload'], ...(more.errors ?? [])],
      handle,
    });

  return [
    ...signRoutes,
    facade(
      'create',
      'post',
      'S3 facade for signRequest: CreateMultipartUpload (URL signed by /v1/uppy/sign)',
      async (req, res) => {
        const session = await verify(req, 'create');
        xml(
          res,
          `<InitiateMultipartUploadResult><Key>${session.key}</Key><UploadId>${escapeXml(session.uploadId)}</UploadId></InitiateMultipartUploadResult>`,
        );
      },
    ),
    facade('list', 'get', 'S3 facade for signRequest: ListParts (URL signed by /v1/uppy/sign)', async (req, res) => {
      const session = await verify(req, 'list');
      const parts = await deps.multipart.listParts(session);
      const items = parts.map(
        (p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${escapeXml(p.etag)}</ETag><Size>${p.bytes}</Size></Part>`,
      );
      xml(
        res,
        `<ListPartsResult><Key>${session.key}</Key><UploadId>${escapeXml(session.uploadId)}</UploadId>${items.join('')}</ListPartsResult>`,
      );
    }),
    facade(
      'complete',
      'post',
      'S3 facade for signRequest: CompleteMultipartUpload; the size cap and checks run here, then the asset is queued',
      async (req, res) => {
        const session = res.locals.uppySession as Awaited<ReturnType<typeof verify>>;
        const parts = [
          ...String(req.body).matchAll(/<Part>\s*<PartNumber>(\d+)<\/PartNumber>\s*<ETag>([^<]*)<\/ETag>\s*<\/Part>/g),
        ].map(([, partNumber, etag]) => ({ partNumber: Number(partNumber), etag: unescapeXml(etag ?? '') }));
        if (parts.length === 0) throw new IngestError('bad_request', 'a CompleteMultipartUpload body with at least one Part');
        const asset = await deps.sessions.complete(session, parts);
        const location = `${req.protocol}://${req.get('host')}/v1/assets/${asset.id}`;
        xml(
          res,
          `<CompleteMultipartUploadResult><Location>${location}</Location><Key>${session.key}</Key></CompleteMultipartUploadResult>`,
        );
      },
      {
        before: [verifyComplete, express.text({ type: () => true, limit: '2mb' })],
        errors: [
          ['bad_request', 'no Part, a part listed twice, out of ascending order, or never uploaded'],
          'upload_missing',
          ['payload_too_large', 'the parts add up to more than the limit (upload aborted, asset rejected)'],
          ['unsupported_media_type', 'not an accepted image'],
        ],
      },
    ),
    facade(
      'abort',
      'delete',
      'S3 facade for signRequest: AbortMultipartUpload (URL signed by /v1/uppy/sign)',
      async (req, res) => {
        const session = await verify(req, 'abort');
        await deps.sessions.abort(session, 'the client aborted the multipart upload');
        res.status(204).end();
      },
    ),
  ];
}

/** S3's XML answer of the facade. */
const XML_ANSWER = { description: "S3's XML answer", contentType: 'application/xml', body: { type: 'string' } };

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeXml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heif',
};

/**
 * Uppy 6.x sends no content type with CreateMultipartUpload: take it from the name Uppy made
 * (`<uuid>-<file name>`), else JPEG. Only the staged object's `Content-Type` depends on it; the
 * format itself is sniffed from the bytes at completion.
 */
function typeOfName(name: string): string {
  return TYPES[/\.([A-Za-z]+)$/.exec(name)?.[1]?.toLowerCase() ?? ''] ?? 'image/jpeg';
}
