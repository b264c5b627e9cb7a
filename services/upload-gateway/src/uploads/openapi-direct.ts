import { MAX_BATCH_JOBS } from '@ingestkit/contracts';
import { errorResponse, json, ref, type JsonSchema } from '../docs/openapi-schema';

const error = errorResponse;
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
 * The OpenAPI paths of presigned uploads and server-side jobs, still written by hand (see
 * openapi.ts for the document around them; declared routes document themselves). Request and
 * response bodies are `$ref`s to components generated from the zod contracts.
 */
export function directUploadPaths(): Record<string, JsonSchema> {
  return {
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
  };
}
