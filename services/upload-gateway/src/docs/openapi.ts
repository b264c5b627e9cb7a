import {
  Asset,
  AssetAccepted,
  AssetPage,
  ErrorBody,
  errorCodes,
  ImageKitUploadAuth,
  Import,
  ImportAccepted,
  ImportRequest,
  JobBatchResponse,
  JobRequest,
  PresignRequest,
  PresignResponse,
  S3EventNotification,
  UploadTokenRequest,
  UploadTokenResponse,
  UppyCompleteRequest,
  UppyCompleteResponse,
  UppyCreateMultipartRequest,
  UppyCreateMultipartResponse,
  UppyPart,
  UppySignedPart,
  UppySignedParts,
  UppySignRequest,
  UppySignResponse,
  UppyUploadParams,
  type DestinationKind,
} from '@ingestkit/contracts';
import { purgeSchemas } from '../cdn/openapi-purge';
import { schemaOf, type JsonSchema } from './openapi-schema';
import { openApiPaths } from './openapi-paths';
import type { RouteDocumentation } from '../http/route';

/**
 * The OpenAPI 3.1 document of the gateway, what `/openapi.json` serves and `/docs` renders:
 * every operation comes from a route's declaration (`openApiPaths`): the gateway's `defineRoute`
 * descriptors and the runtime's `operationalRoutes` (health, readiness, metrics). Nothing is
 * written by hand here but the components the routes share, all generated from the zod contracts.
 */
export function buildOpenApiDocument(options: {
  destinations: readonly DestinationKind[];
  /** Every route the gateway serves: their operations come from their declarations. */
  routes?: readonly RouteDocumentation[];
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
        Import: schemaOf(Import),
        ImportAccepted: schemaOf(ImportAccepted),
        ImportRequest: schemaOf(ImportRequest, 'input'),
        UppyCreateMultipartRequest: schemaOf(UppyCreateMultipartRequest, 'input'),
        UppyCreateMultipartResponse: schemaOf(UppyCreateMultipartResponse),
        UppyUploadParams: schemaOf(UppyUploadParams),
        UppySignedPart: schemaOf(UppySignedPart),
        UppySignedParts: schemaOf(UppySignedParts),
        UppyPart: schemaOf(UppyPart),
        UppyCompleteRequest: schemaOf(UppyCompleteRequest, 'input'),
        UppyCompleteResponse: schemaOf(UppyCompleteResponse),
        UppySignRequest: schemaOf(UppySignRequest, 'input'),
        UppySignResponse: schemaOf(UppySignResponse),
      },
    },
    security: [{ apiKey: [] }],
    paths: openApiPaths(options.routes ?? []),
  };
}
