import { errorResponse, type JsonSchema } from './openapi-schema';

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
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  ids: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
                  limit: { type: 'integer', minimum: 1, maximum: 1000 },
                },
              },
            },
          },
        },
        responses: {
          '202': { description: '{retried: [ids], errors: [{id, error}]}' },
          '400': errorResponse('bad_request'),
          '401': errorResponse('unauthorized'),
        },
      },
    },
  };
}
