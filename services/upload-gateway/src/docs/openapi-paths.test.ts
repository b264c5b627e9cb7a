import { z } from 'zod';
import { defineRoute, type Route, type RouteAuth } from '../http/route';
import { openApiPaths } from './openapi-paths';

const handle = () => undefined;

describe('openApiPaths', () => {
  it('derives path, security, parameters and answers from a route declaration', () => {
    const paths = openApiPaths([
      defineRoute({
        method: 'post',
        path: '/v1/things/:id/poke',
        summary: 'Poke a thing',
        auth: 'uploader',
        query: z.object({ hard: z.enum(['yes', 'no']).optional(), times: z.coerce.number().int() }),
        body: { contentType: 'application/json', schema: z.object({ note: z.string() }) },
        answers: {
          202: { description: 'Poked', body: { component: 'Asset' }, headers: { Location: { description: 'the thing' } } },
        },
        errors: ['not_found', ['conflict', 'already poked'], 'idempotency_conflict', 'forbidden'],
        idempotent: true,
        handle,
      }),
    ]);
    const operation = paths['/v1/things/{id}/poke']!.post as any;
    expect(operation.summary).toBe('Poke a thing');
    expect(operation.security).toEqual([{ apiKey: [] }, { uploadToken: [] }]);
    expect(operation.parameters.map((p: any) => [p.in, p.name, p.required])).toEqual([
      ['path', 'id', true],
      ['query', 'hard', false],
      ['query', 'times', true],
      ['header', 'Idempotency-Key', false],
    ]);
    expect(operation.requestBody.content['application/json'].schema.required).toEqual(['note']);
    expect(operation.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Asset' });
    expect(operation.responses['202'].headers.Location.schema).toEqual({ type: 'string' });
    // Errors grouped by their status in the error table; unauthorized added for an authenticated route.
    expect(operation.responses['401'].description).toBe('unauthorized');
    expect(operation.responses['403'].description).toBe('forbidden');
    expect(operation.responses['404'].description).toBe('not_found');
    expect(operation.responses['409'].description).toBe('conflict: already poked; idempotency_conflict');
  });

  it('documents a wildcard as a path parameter and a public route without security or 401', () => {
    const paths = openApiPaths([
      defineRoute({
        method: 'get',
        path: '/files/*path',
        summary: 'A file',
        auth: 'public',
        answers: { 200: { description: 'The bytes', contentType: 'image/*' } },
        errors: ['not_found'],
        handle,
      }),
    ]);
    const operation = paths['/files/{path}']!.get as any;
    expect(operation.security).toEqual([]);
    expect(operation.parameters).toEqual([{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(operation.responses['401']).toBeUndefined();
    expect(operation.responses['200'].content).toEqual({ 'image/*': {} });
  });

  it('adds the errors the auth chain and idempotency can answer, unless the route lists them itself', () => {
    const route = (auth: RouteAuth, extra: Partial<Route> = {}) =>
      openApiPaths([
        defineRoute({ method: 'get', path: '/x', summary: 'x', auth, answers: { 200: { description: 'ok' } }, handle, ...extra }),
      ])['/x']!.get as any;
    expect(route('apiKey').responses['429'].description).toMatch(/^rate_limited: /);
    expect(route('uploader').responses['429'].description).toMatch(/^rate_limited: /);
    expect(route('admin').responses['429']).toBeUndefined();
    expect(route('signed').responses['401']).toBeUndefined();
    expect(route('apiKey', { errors: [['rate_limited', 'mine']] }).responses['429'].description).toBe('rate_limited: mine');
    expect(route('admin', { idempotent: true }).responses['409'].description).toMatch(/^idempotency_conflict: /);
    expect(route('s3Events').security).toEqual([{ s3EventsToken: [] }, { apiKey: [] }]);
  });

  it('renders a zod parameter schema and keeps declared query and header parameters', () => {
    const operation = openApiPaths([
      defineRoute({
        method: 'put',
        path: '/parts/:id',
        summary: 'A part',
        auth: 'signed',
        parameters: [
          { name: 'id', in: 'path', schema: z.string().regex(/^p_\d+$/) },
          { name: 'signature', in: 'query', required: true, description: 'HMAC' },
        ],
        body: { contentType: 'application/octet-stream', schema: {} },
        answers: { 204: { description: 'Stored', headers: { ETag: { description: 'the tag' } } } },
        handle,
      }),
    ])['/parts/{id}']!.put as any;
    expect(operation.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^p_\\d+$' } },
      { name: 'signature', in: 'query', required: true, description: 'HMAC', schema: { type: 'string' } },
    ]);
    expect(operation.requestBody.content).toEqual({ 'application/octet-stream': { schema: {} } });
    expect(operation.responses['204']).toEqual({
      description: 'Stored',
      headers: { ETag: { description: 'the tag', schema: { type: 'string' } } },
    });
  });
});
