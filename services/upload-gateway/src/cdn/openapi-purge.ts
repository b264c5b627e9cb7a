import { Purge, PurgeAccepted, PurgeRequestBody } from '@ingestkit/contracts';
import { errorResponse, schemaOf, type JsonSchema } from '../docs/openapi-schema';

const purgeIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^prg_[A-Za-z0-9_-]{22}$' },
};

export function purgeSchemas(): Record<string, JsonSchema> {
  return {
    Purge: schemaOf(Purge),
    PurgeAccepted: schemaOf(PurgeAccepted),
    PurgeRequestBody: schemaOf(PurgeRequestBody, 'input'),
  };
}

/** `POST /v1/purge` and `GET /v1/purge/{id}`. */
export function purgePaths(): Record<string, JsonSchema> {
  return {
    '/v1/purge': {
      post: {
        summary: 'Invalidate CDN URLs that cannot be versioned; batched, deduplicated and collapsed by the purge service',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/PurgeRequestBody' } } },
        },
        responses: {
          '202': {
            description:
              'Queued; poll the Location for queued → submitted → completed (or held while the monthly budget is spent)',
            headers: { Location: { schema: { type: 'string' }, description: '/v1/purge/{id}' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/PurgeAccepted' } } },
          },
          '400': errorResponse(
            'bad_request (malformed, wildcard, too many URLs) or url_not_purgeable (outside the URL endpoint)',
          ),
          '401': errorResponse('unauthorized'),
          '404': errorResponse('not_found: no CDN (ImageKit) is configured'),
          '503': errorResponse('dependency_unavailable'),
        },
      },
    },
    '/v1/purge/{id}': {
      get: {
        summary: 'A purge: its status, each URL with the rule (exact or wildcard) and CDN request that covered it',
        parameters: [purgeIdParameter],
        responses: {
          '200': {
            description: 'The purge',
            content: {
              'application/json': { schema: { type: 'object', properties: { purge: { $ref: '#/components/schemas/Purge' } } } },
            },
          },
          '401': errorResponse('unauthorized'),
          '404': errorResponse('not_found'),
        },
      },
    },
  };
}
