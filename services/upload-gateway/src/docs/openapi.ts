import {
  Asset,
  assetIdPattern,
  AssetAccepted,
  AssetPage,
  ErrorBody,
  errorCodes,
  ImageKitUploadAuth,
  JobBatchResponse,
  JobRequest,
  PresignRequest,
  PresignResponse,
  S3EventNotification,
  UploadFields,
  UploadTokenRequest,
  UploadTokenResponse,
  type DestinationKind,
} from '@ingestkit/contracts';
import { adminPaths } from '../admin/openapi-admin';
import { directUploadPaths } from '../uploads/openapi-direct';
import { purgePaths, purgeSchemas } from '../cdn/openapi-purge';
import { uppyPaths, uppySchemas } from '../uppy/openapi-uppy';
import { tusPaths } from '../tus/openapi-tus';
import { errorResponse, schemaOf, type JsonSchema } from './openapi-schema';
import { openApiPaths } from './openapi-paths';
import type { Route } from '../http/route';

/**
 * The OpenAPI 3.1 document of the gateway, generated from the zod contracts (never written by
 * hand): what `/openapi.json` serves and `/docs` renders.
 */
export function buildOpenApiDocument(options: {
  destinations: readonly DestinationKind[];
  /** Routes declared with `defineRoute`: their operations come from their declarations. */
  routes?: readonly Route[];
  serverUrl?: string;
}): JsonSchema {
  const uploadForm = schemaOf(UploadFields, 'input');
  return {
    openapi: '3.1.0',
    info: {
      title: 'ingestkit upload gateway',
      version: '0.1.0',
      description:
        'Uploads images, queues them for validation, optimization and delivery, and reports their status. ' +
        `Errors are JSON {"error":{"code","message","details?"}}; codes: ${Object.keys(errorCodes).join(', ')}.`,
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from API_KEYS' },
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A key from ADMIN_API_KEYS (default: the API keys); browsers may send it as the Basic password',
        },
        uploadToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A short-lived token from POST /v1/upload-tokens (upload routes only)',
        },
        s3EventsToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'S3_EVENTS_TOKEN, as configured in MinIO/S3 notifications',
        },
      },
      schemas: {
        Asset: schemaOf(Asset),
        AssetAccepted: schemaOf(AssetAccepted),
        AssetPage: schemaOf(AssetPage),
        ErrorBody: schemaOf(ErrorBody),
        ImageKitUploadAuth: schemaOf(ImageKitUploadAuth),
        UploadTokenRequest: schemaOf(UploadTokenRequest, 'input'),
        UploadTokenResponse: schemaOf(UploadTokenResponse),
        PresignRequest: schemaOf(PresignRequest, 'input'),
        PresignResponse: schemaOf(PresignResponse),
        S3EventNotification: schemaOf(S3EventNotification, 'input'),
        JobRequest: schemaOf(JobRequest, 'input'),
        JobBatchResponse: schemaOf(JobBatchResponse),
        ...purgeSchemas(),
        ...uppySchemas(),
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      ...directUploadPaths(),
      ...uppyPaths(),
      ...tusPaths(),
      '/v1/uploads': {
        post: {
          summary: 'Upload one image (multipart/form-data, streamed to staging) and queue it',
          security: [{ apiKey: [] }, { uploadToken: [] }],
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'The body is streamed, so the same key replays the first answer for a body of the same length',
              schema: { type: 'string', maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: {
                    ...(uploadForm.properties as JsonSchema),
                    destination: { type: 'string', enum: options.destinations },
                    file: { type: 'string', format: 'binary' },
                  },
                },
                encoding: { file: { contentType: 'image/jpeg, image/png, image/webp, image/gif, image/avif, image/tiff' } },
              },
            },
          },
          responses: {
            '202': {
              description: 'Accepted and queued; poll the Location',
              headers: { Location: { schema: { type: 'string' }, description: '/v1/assets/{id}' } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/AssetAccepted' } } },
            },
            '400': errorResponse('missing_file, too_many_files, upload_incomplete or bad_request (invalid fields)'),
            '401': errorResponse('unauthorized'),
            '413': errorResponse('payload_too_large: nothing was kept'),
            '415': errorResponse('unsupported_media_type: the first bytes are not an accepted image'),
            '503': errorResponse('dependency_unavailable: Redis is down; storage_read_only: staging refuses writes; retry later'),
            '507': errorResponse('storage_full: the staging store has no space left; nothing was kept; retry after Retry-After'),
          },
        },
      },
      '/v1/assets/{id}': {
        get: {
          summary: 'An asset: status, original, output, error and per-stage timings',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: assetIdPattern.source } }],
          responses: {
            '200': {
              description: 'The asset',
              content: {
                'application/json': { schema: { type: 'object', properties: { asset: { $ref: '#/components/schemas/Asset' } } } },
              },
            },
            '401': errorResponse('unauthorized'),
            '404': errorResponse('not_found'),
          },
        },
      },
      '/v1/assets/{id}/retry': {
        post: {
          summary: 'Re-run a failed asset from the stage that failed',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: assetIdPattern.source } }],
          responses: {
            '202': {
              description: 'Queued again',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/AssetAccepted' } } },
            },
            '401': errorResponse('unauthorized'),
            '404': errorResponse('not_found'),
            '409': errorResponse('conflict: only failed assets can be retried'),
          },
        },
      },
      ...purgePaths(),
      ...adminPaths(),
      ...openApiPaths(options.routes ?? []),
      '/openapi.json': {
        get: { summary: 'This OpenAPI document', security: [], responses: { '200': { description: 'OpenAPI 3.1 JSON' } } },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'alive' } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: Redis and the staging store answer',
          security: [],
          responses: { '200': { description: 'ready' }, '503': { description: 'a dependency is down' } },
        },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'text exposition format' } } },
      },
    },
  };
}
