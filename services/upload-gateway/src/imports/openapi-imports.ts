import { Import, ImportAccepted, ImportRequest } from '@ingestkit/contracts';
import { errorResponse, schemaOf, type JsonSchema } from '../docs/openapi-schema';

const importIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^imp_[A-Za-z0-9_-]{22}$' },
};
const importAnswer = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ImportAccepted' } } },
});

export function importSchemas(): Record<string, JsonSchema> {
  return { Import: schemaOf(Import), ImportAccepted: schemaOf(ImportAccepted), ImportRequest: schemaOf(ImportRequest, 'input') };
}

/** `POST /v1/imports`, `GET /v1/imports/{id}`, `POST /v1/imports/{id}/cancel`. */
export function importPaths(): Record<string, JsonSchema> {
  return {
    '/v1/imports': {
      post: {
        summary: 'Import every object under a prefix of an allowed bucket (SOURCE_BUCKETS), each as a bucket job (API keys only)',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ImportRequest' } } },
        },
        responses: {
          '202': { ...importAnswer('Started; poll the Location'), headers: { Location: { schema: { type: 'string' } } } },
          '400': errorResponse('bad_request'),
          '401': errorResponse('unauthorized'),
          '422': errorResponse('source_forbidden: the bucket is not in SOURCE_BUCKETS'),
          '503': errorResponse('dependency_unavailable'),
        },
      },
    },
    '/v1/imports/{id}': {
      get: {
        summary:
          'An import: listing → processing → done (or cancelled), with listed, skipped, queued, ready, rejected and failed objects',
        parameters: [importIdParameter],
        responses: { '200': importAnswer('The import'), '401': errorResponse('unauthorized'), '404': errorResponse('not_found') },
      },
    },
    '/v1/imports/{id}/cancel': {
      post: {
        summary: 'Stop listing; objects already queued still go through the pipeline',
        parameters: [importIdParameter],
        responses: {
          '200': importAnswer('The import, cancelled'),
          '401': errorResponse('unauthorized'),
          '404': errorResponse('not_found'),
        },
      },
    },
  };
}
