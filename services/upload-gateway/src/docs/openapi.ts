import {
  Asset,
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
  UploadTokenRequest,
  UploadTokenResponse,
  type DestinationKind,
} from '@ingestkit/contracts';
import { purgeSchemas } from '../cdn/openapi-purge';
import { uppyPaths, uppySchemas } from '../uppy/openapi-uppy';
import { importPaths, importSchemas } from '../imports/openapi-imports';
import { schemaOf, type JsonSchema } from './openapi-schema';
import { tusPaths } from '../tus/openapi-tus';
import { openApiPaths } from './openapi-paths';
import type { Route } from '../http/route';

/**
 * The OpenAPI 3.1 document of the gateway, what `/openapi.json` serves and `/docs` renders:
 * the operations of declared routes come from their declarations (`openApiPaths`); the Uppy
 * paths (`uppy/openapi-uppy.ts`), the bucket imports (`imports/openapi-imports.ts`) and the
 * runtime's health routes are still written by hand. Every schema comes from the zod contracts.
 */
export function buildOpenApiDocument(options: {
  destinations: readonly DestinationKind[];
  /** Routes declared with `defineRoute`: their operations come from their declarations. */
  routes?: readonly Route[];
  /** Whether bucket imports are mounted. */
  imports?: boolean;
  serverUrl?: string;
}): JsonSchema {
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
        ...importSchemas(),
        ...uppySchemas(),
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      ...uppyPaths(),
      ...(options.imports ? importPaths() : {}),
      ...tusPaths(),
      ...openApiPaths(options.routes ?? []),
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
