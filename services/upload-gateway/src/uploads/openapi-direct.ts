import { AssetListQuery, assetIdPattern, MAX_BATCH_JOBS } from '@ingestkit/contracts';
import { errorResponse, json, queryParameters, ref, type JsonSchema } from '../docs/openapi-schema';

const error = errorResponse;
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: assetIdPattern.source } };
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Same key and body within 24 h: the stored answer is replayed; another body: 409 idempotency_conflict',
  schema: { type: 'string', maxLength: 255 },
};
/** Upload routes take an API key or an upload token. */
const uploaders = [{ apiKey: [] }, { uploadToken: [] }];

/**
 * The OpenAPI paths of direct uploads, upload tokens, S3 events, server-side jobs and listing
 * (see openapi.ts for the document around them). Request and response bodies are `$ref`s to
 * components generated from the zod contracts.
 */
export function directUploadPaths(): Record<string, JsonSchema> {
  return {
    '/v1/upload-tokens': {
      post: {
        summary: 'Mint a short-lived upload token for a browser (API keys only)',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('UploadTokenRequest')) },
        responses: {
          '201': { description: 'The token and its limits', content: json(ref('UploadTokenResponse')) },
          '400': error('bad_request'),
          '401': error('unauthorized (upload tokens cannot mint tokens)'),
          '429': error('rate_limited'),
        },
      },
    },
    '/v1/uploads/presign': {
      post: {
        summary: 'Declare a file and get a URL to upload it straight to staging (S3 PUT/POST, or the local store)',
        security: uploaders,
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('PresignRequest')) },
        responses: {
          '201': {
            description: 'The asset, awaiting its upload, and how to upload',
            headers: { Location: { schema: { type: 'string' } } },
            content: json(ref('PresignResponse')),
          },
          '400': error('bad_request'),
          '401': error('unauthorized'),
          '403': error('forbidden: outside the upload token limits'),
          '409': error('idempotency_conflict'),
          '413': error('payload_too_large: the declared size is over the limit'),
          '429': error('rate_limited'),
        },
      },
    },
    '/v1/local-uploads/{key}': {
      put: localUpload('PUT', { 'image/*': { schema: { type: 'string', format: 'binary' } } }),
      post: localUpload('POST', {
        'multipart/form-data': {
          schema: {
            type: 'object',
            description: 'The `upload.fields` of the presign answer, then the `file` part',
            properties: { file: { type: 'string', format: 'binary' } },
            required: ['file'],
          },
        },
      }),
    },
    '/v1/assets/{id}/complete': {
      post: {
        summary: 'The direct upload finished: verify the object (exists, size, sniffed type) and queue it',
        security: uploaders,
        parameters: [idParam, idempotencyKey],
        responses: {
          '202': { description: 'Verified and queued', content: json(ref('AssetAccepted')) },
          '200': { description: 'Already completed (idempotent): the asset as it is', content: json(ref('AssetAccepted')) },
          '404': error('not_found'),
          '409': error('upload_missing: the object is not in staging yet'),
          '413': error('payload_too_large: larger than declared; removed, asset rejected'),
          '415': error('unsupported_media_type: not an image; removed, asset rejected'),
        },
      },
    },
    '/v1/events/s3': {
      post: {
        summary: 'S3/MinIO object-created notifications: complete direct uploads without a client call',
        security: [{ s3EventsToken: [] }, { apiKey: [] }],
        requestBody: { required: true, content: json(ref('S3EventNotification')) },
        responses: {
          '200': {
            description: 'Which assets were completed; keys outside staging are ignored',
            content: json({
              type: 'object',
              properties: {
                completed: { type: 'array', items: { type: 'string' } },
                ignored: { type: 'integer' },
                errors: { type: 'array', items: { type: 'object' } },
              },
            }),
          },
          '401': error('unauthorized'),
          '503': error('dependency_unavailable: S3/MinIO should deliver the event again'),
        },
      },
    },
    '/v1/jobs': {
      post: {
        summary: 'Ingest an image from a URL or an S3 object (fetched by the worker, with SSRF protection)',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('JobRequest')) },
        responses: {
          '202': { description: 'Queued', content: json(ref('AssetAccepted')) },
          '400': error('bad_request'),
          '401': error('unauthorized'),
          '422': error('source_forbidden: the bucket is not in SOURCE_BUCKETS'),
        },
      },
    },
    '/v1/jobs/batch': {
      post: {
        summary: `Up to ${MAX_BATCH_JOBS} jobs at once; valid items are accepted, invalid ones reported by index`,
        parameters: [idempotencyKey],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['jobs'],
            properties: { jobs: { type: 'array', minItems: 1, maxItems: MAX_BATCH_JOBS, items: ref('JobRequest') } },
          }),
        },
        responses: {
          '202': { description: 'Accepted items and per-item errors', content: json(ref('JobBatchResponse')) },
          '400': error(`bad_request: not a list of 1 to ${MAX_BATCH_JOBS} jobs`),
          '401': error('unauthorized'),
        },
      },
    },
    '/v1/assets': {
      get: {
        summary:
          'List assets, newest first, filtered by status, folder, tag, policy, destination or creation time (all must hold); ' +
          'follow nextCursor until it is absent (a filtered page may be short)',
        parameters: queryParameters(AssetListQuery),
        responses: {
          '200': { description: 'A page of assets', content: json(ref('AssetPage')) },
          '400': error('bad_request: an invalid filter, limit or cursor'),
          '401': error('unauthorized'),
        },
      },
    },
  };
}

/** The local store's signed upload URL, for the PUT and the HTML-form POST that presign hands out. */
function localUpload(method: 'PUT' | 'POST', content: Record<string, unknown>) {
  return {
    summary: `Upload the bytes to a URL signed by presign (${method}, local staging store); the signature is the authorization`,
    security: [],
    parameters: [
      { name: 'key', in: 'path', required: true, schema: { type: 'string' } },
      ...['method', 'expires', 'max', 'type', 'signature'].map((name) => ({
        name,
        in: 'query',
        required: true,
        schema: { type: 'string' },
      })),
    ],
    requestBody: { required: true, content },
    responses: {
      '204': { description: 'Stored' },
      '403': error('signature_invalid, url_expired or url_already_used'),
      '409': error('conflict: the asset is not awaiting an upload'),
      '413': error('payload_too_large: more bytes than signed for; nothing kept'),
      '415': error('unsupported_media_type: a Content-Type other than the signed `type`, or not an accepted image'),
      '503': error('storage_read_only: staging refuses writes; nothing kept, the URL can be used again'),
      '507': error('storage_full: staging has no space left; nothing kept, the URL can be used again'),
    },
  };
}
