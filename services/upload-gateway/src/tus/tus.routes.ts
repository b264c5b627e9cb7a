import type { Request, RequestHandler, Response } from 'express';
import { errorCodes, IngestError, isIngestError, newAssetId, toIngestError, type ErrorCode } from '@ingestkit/contracts';
import type { Logger } from '@ingestkit/runtime';
import { principalOf } from '../http/auth';
import { defineRoute, type Route, type RouteParameter } from '../http/route';
import { srvxNode, tusServer, type TusDataStore } from './tus-library';
import type { TusMetrics } from './tus-metrics';
import { tusIds, type TusUploads } from './tus-uploads';

/** Where tus is served: `POST /v1/tus` creates, `HEAD|PATCH|DELETE /v1/tus/<assetId>` resume and end. */
export const TUS_PATH = '/v1/tus';
/** The response header naming the asset of a created upload (and its `Location`'s last segment). */
export const ASSET_ID_HEADER = 'Ingest-Asset-Id';

export interface TusRoutesDeps {
  uploads: TusUploads;
  datastore: TusDataStore;
  metrics: TusMetrics;
  logger: Logger;
  /** Origins browsers may upload from (`CORS_ORIGINS`, `*` any); none: no browser may read an answer. */
  corsOrigins: readonly string[];
}

/** The express side of a srvx request (`@tus/server` 2.x wraps node requests with srvx). */
function nodeOf(req: globalThis.Request): { req: Request; res: Response } {
  const node = (req as { runtime?: { node?: { req: Request; res: Response } } }).runtime?.node;
  if (!node) throw new IngestError('internal_error', 'the tus server runs only behind express');
  return node;
}

/** tus's own refusals (plain text with a status) under the contracts' codes. */
const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'upload_expired',
  412: 'tus_version_unsupported',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  460: 'bad_request',
  503: 'dependency_unavailable',
};

function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): string {
  return JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } });
}

/** A refusal of the tus server as the gateway's JSON error (tus answers in plain text). */
async function asJsonError(response: globalThis.Response): Promise<globalThis.Response> {
  if (response.status < 400) return response;
  const text = (await response.text()).trim();
  const body = text.startsWith('{')
    ? text
    : errorBody(CODE_OF_STATUS[response.status] ?? 'internal_error', text || `tus answered ${response.status}`);
  const headers = new Headers(response.headers);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('Content-Length', String(Buffer.byteLength(body)));
  return new Response(body, { status: response.status, headers });
}

/**
 * tus 1.0 (core, creation, creation-with-upload, expiration, termination) with `@tus/server`,
 * behind the gateway's auth: every request but `OPTIONS` presents an API key or upload token,
 * and a `HEAD`, `PATCH` or `DELETE` reaches only an upload its caller created. Deferred lengths
 * are refused (`Upload-Defer-Length`: the byte cap must be checked before a byte is stored).
 * Refusals are the gateway's JSON errors. Each method and path is a route descriptor (so the
 * document lists it) whose handler hands the request to the tus server.
 */
export function tusRoutes(deps: TusRoutesDeps): Route[] {
  const { uploads, metrics } = deps;
  /** Uploads asked for their offset since their last PATCH: the next PATCH past 0 is a resume. */
  const probed = new Set<string>();
  const server = new tusServer.Server({
    path: TUS_PATH,
    datastore: deps.datastore,
    // The gateway's CORS rule (`corsMiddleware` answers the preflights): tus echoes an allowed origin.
    allowedOrigins: (origin) => deps.corsOrigins.includes('*') || deps.corsOrigins.includes(origin),
    exposedHeaders: [ASSET_ID_HEADER],
    generateUrl: (_req, { proto, host, path, id }) => `${proto}://${host}${path}/${tusIds.assetIdOf(id) ?? ''}`,
    getFileIdFromRequest: (_req, lastPath) => {
      const assetId = tusIds.assetIdOfSegment(lastPath);
      return assetId ? tusIds.uploadIdOf(assetId) : undefined;
    },
    namingFunction: (req) => tusIds.uploadIdOf(nodeOf(req).res.locals.assetId as string),
    maxSize: (req) => uploads.maxBytesOf(principalOf(nodeOf(req).res)),
    onUploadCreate: async (req, upload) => {
      const { res } = nodeOf(req);
      const asset = await uploads.create({
        principal: principalOf(res),
        assetId: res.locals.assetId as string,
        size: upload.size ?? 0,
        metadata: upload.metadata ?? {},
      });
      res.setHeader(ASSET_ID_HEADER, asset.id);
      metrics.count('created');
      return {};
    },
    onUploadFinish: async (req, upload) => {
      const assetId = tusIds.assetIdOf(upload.id)!;
      if ((await uploads.finish(assetId)).completed) metrics.count('completed');
      probed.delete(assetId);
      return { headers: { [ASSET_ID_HEADER]: assetId } };
    },
    // The gateway's errors keep their code; tus's own (`{status_code, body}`) are mapped by status in `sendAsJson`.
    onResponseError: (_req, err) => {
      if (!isIngestError(err)) {
        if (!('status_code' in err)) deps.logger.error({ err }, 'tus request failed');
        return undefined;
      }
      const error = toIngestError(err);
      return { status_code: errorCodes[error.code].status, body: errorBody(error.code, error.message, error.details) };
    },
  });
  server.on(tusServer.EVENTS.POST_TERMINATE, (_req: unknown, _res: unknown, id: string) => {
    const assetId = tusIds.assetIdOf(id);
    if (!assetId) return;
    probed.delete(assetId);
    uploads.terminate(assetId).catch((err: unknown) => deps.logger.warn({ err, assetId }, 'could not end a terminated upload'));
  });

  const guard = async (req: Request, res: Response): Promise<void> => {
    const id = typeof req.params.id === 'string' ? req.params.id : undefined;
    if (req.method === 'POST') {
      if (id !== undefined) throw new IngestError('not_found', 'uploads are created at /v1/tus');
      if (req.get('upload-defer-length') !== undefined) {
        throw new IngestError('bad_request', 'Upload-Defer-Length is not supported: send Upload-Length');
      }
      res.locals.assetId = newAssetId();
      return;
    }
    const assetId = tusIds.assetIdOfSegment(id);
    if (!assetId) throw new IngestError('not_found', 'no such upload');
    res.locals.assetId = assetId;
    await uploads.assertOwner(principalOf(res), assetId);
    if (req.method === 'HEAD') probed.add(assetId);
    if (req.method === 'PATCH' && Number(req.get('upload-offset')) > 0 && probed.delete(assetId)) metrics.count('resumed');
  };

  const handle: RequestHandler = async (req, res) => {
    const response = await server.handleWeb(new srvxNode.NodeRequest({ req, res }) as unknown as globalThis.Request);
    await srvxNode.sendNodeResponse(res, await asJsonError(response));
  };

  const guarded: RequestHandler[] = [(req, res, next) => void guard(req, res).then(() => next(), next)];
  const binary = { contentType: 'application/offset+octet-stream', schema: { type: 'string', format: 'binary' } };
  const discovery = (path: string, parameters: RouteParameter[]) =>
    defineRoute({
      method: 'options',
      path,
      summary: 'tus discovery: Tus-Version, Tus-Extension and Tus-Max-Size (no authentication)',
      auth: 'public',
      parameters,
      answers: { 204: { description: 'What this server supports' } },
      handle,
    });
  return [
    discovery(TUS_PATH, []),
    discovery(`${TUS_PATH}/:id`, [idParameter]),
    defineRoute({
      method: 'post',
      path: TUS_PATH,
      summary:
        'tus creation (and creation-with-upload): a new asset awaiting its bytes. Upload-Metadata carries fileName, folder, tags (comma-separated), policy, destination, overwrite, metadata (a JSON object) and filetype; dedupe is accepted and ignored. Upload-Length is checked against the byte cap; Upload-Defer-Length is refused.',
      auth: 'uploader',
      parameters: [
        tusResumable,
        header('Upload-Length', 'The file size in bytes, within MAX_UPLOAD_BYTES and the token maxBytes'),
        header('Upload-Metadata', 'tus metadata: comma-separated `key base64(value)` pairs', false),
      ],
      body: { ...binary, required: false },
      before: guarded,
      answers: {
        201: {
          description: 'Created; Location is `/v1/tus/<assetId>`, the asset id is also in Ingest-Asset-Id',
          headers: {
            Location: { description: 'The upload URL' },
            [ASSET_ID_HEADER]: { description: 'The asset id: follow it at /v1/assets/{id}' },
            'Upload-Expires': { description: 'When the unfinished upload expires' },
          },
        },
      },
      errors: [
        ['bad_request', 'invalid Upload-Metadata option, or Upload-Defer-Length'],
        ['forbidden', 'outside the upload token limits (folder, destination, policy, file count)'],
        ['payload_too_large', 'Upload-Length over the byte cap'],
        'tus_version_unsupported',
        'dependency_unavailable',
      ],
      handle,
    }),
    defineRoute({
      method: 'head',
      path: `${TUS_PATH}/:id`,
      summary: 'tus: the offset of an upload (resume from it)',
      auth: 'uploader',
      parameters: [idParameter, tusResumable],
      before: guarded,
      answers: { 200: { description: 'The offset and length', headers: OFFSET_HEADERS } },
      errors: [...UPLOAD_ERRORS, 'upload_expired'],
      handle,
    }),
    defineRoute({
      method: 'patch',
      path: `${TUS_PATH}/:id`,
      summary: 'tus: append bytes at Upload-Offset; the last byte queues the asset (once)',
      auth: 'uploader',
      parameters: [idParameter, tusResumable, header('Upload-Offset', 'Where these bytes start: the offset HEAD reported')],
      body: binary,
      before: guarded,
      answers: { 204: { description: 'Stored', headers: OFFSET_HEADERS } },
      errors: [
        ...UPLOAD_ERRORS,
        ['conflict', 'Upload-Offset is not the stored offset'],
        'upload_expired',
        ['payload_too_large', 'more bytes than Upload-Length'],
        [
          'unsupported_media_type',
          'the Content-Type is not application/offset+octet-stream, or the finished file is not an accepted image',
        ],
      ],
      handle,
    }),
    defineRoute({
      method: 'delete',
      path: `${TUS_PATH}/:id`,
      summary: 'tus termination: the upload is removed and its asset ends rejected (upload_incomplete)',
      auth: 'uploader',
      parameters: [idParameter, tusResumable],
      before: guarded,
      answers: { 204: { description: 'Terminated' } },
      errors: UPLOAD_ERRORS,
      handle,
    }),
  ];
}

const header = (name: string, description: string, required = true): RouteParameter => ({
  name,
  in: 'header',
  required,
  description,
});
const tusResumable = header('Tus-Resumable', 'The tus version: `1.0.0`');
const idParameter: RouteParameter = { name: 'id', in: 'path', description: 'The asset id (`ast_…`)' };
const OFFSET_HEADERS = {
  'Upload-Offset': { description: 'Bytes stored so far' },
  'Tus-Resumable': { description: '`1.0.0`' },
};
/** The refusals of every request about one upload. */
const UPLOAD_ERRORS = [['not_found', 'no such upload, or not one this caller created'], 'tus_version_unsupported'] as const;
