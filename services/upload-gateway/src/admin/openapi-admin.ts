import { BulkRetryRequest, BulkRetryResult } from '@ingestkit/contracts';
import { errorResponse, json, schemaOf, type JsonSchema } from '../docs/openapi-schema';

const adminSecurity = [{ adminKey: [] }];

/** Bull Board and the admin routes (admin key: Bearer, or Basic with the key as password). */
export function adminPaths(): Record<string, JsonSchema> {
  return {
    '/admin/queues': {
      get: {
        summary: 'Bull Board: jobs of every queue by state, with retry and clean (a browser UI)',
        security: adminSecurity,
        responses: { '200': { description: 'HTML' }, '401': errorResponse('unauthorized') },
      },
    },
    '/v1/admin/failed': {
      get: {
        summary: 'Failed assets (retries exhausted), newest first, with their error',
        security: adminSecurity,
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'A page',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/AssetPage' } } },
          },
          '401': errorResponse('unauthorized'),
        },
      },
    },
    '/v1/admin/failed/retry': {
      post: {
        summary: 'Re-run failed assets from the stage that failed: the given ids, else up to `limit` (100) of the newest',
        security: adminSecurity,
        requestBody: { content: json(schemaOf(BulkRetryRequest, 'input')) },
        responses: {
          '202': { description: 'The assets queued again, and per-asset errors', content: json(schemaOf(BulkRetryResult)) },
          '400': errorResponse('bad_request'),
          '401': errorResponse('unauthorized'),
        },
      },
    },
  };
}
