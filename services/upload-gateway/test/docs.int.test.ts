// Proves /openapi.json is generated from the contracts, validates against the OpenAPI 3.1 schema, and /docs renders it without external resources.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useTestGateway } from './harness';
import { mountedRoutes } from './mounted-routes';

const gateway = useTestGateway();

it('serves an OpenAPI 3.1 document whose schemas come from the zod contracts', async () => {
  const res = await fetch(`${gateway.url}/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as any;
  expect(doc.openapi).toBe('3.1.0');
  const upload = doc.paths['/v1/uploads'].post;
  expect(upload.requestBody.content['multipart/form-data'].schema.required).toEqual(['file']);
  expect(upload.requestBody.content['multipart/form-data'].schema.properties.destination.enum).toEqual(['local', 's3']);
  expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '413', '415', '503']));
  expect(doc.components.schemas.Asset.properties.status.enum).toEqual([
    'awaiting_upload',
    'queued',
    'validating',
    'optimizing',
    'delivering',
    'ready',
    'rejected',
    'failed',
    'deleted',
  ]);
  expect(doc.components.schemas.Asset.properties).toMatchObject({
    deletedAt: { type: 'string' },
    deletedBy: { type: 'object' },
  });
  expect(doc.paths['/v1/assets/{id}'].delete.responses).toEqual(
    expect.objectContaining({ 202: expect.anything(), 403: expect.anything(), 404: expect.anything() }),
  );
});

it("validates as an OpenAPI 3.1 document (the OpenAPI Initiative's JSON schema, through @seriousme/openapi-schema-validator)", async () => {
  const doc = await (await fetch(`${gateway.url}/openapi.json`)).text();
  const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, doc);
    // The validator is an ES module: run its CLI rather than loading it into jest's CommonJS.
    const cli = join(require.resolve('@seriousme/openapi-schema-validator/package.json'), '..', 'bin', 'validate-api-cli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, file]).catch(
      (err: { stdout?: string; stderr?: string }) => {
        throw new Error(`the OpenAPI document is invalid:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      },
    );
    expect(JSON.parse(stdout.slice(stdout.indexOf('{')))).toMatchObject({ valid: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('validates under a second, independent parser that also checks path parameters (@readme/openapi-parser)', async () => {
  const doc = await (await fetch(`${gateway.url}/openapi.json`)).text();
  const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, doc);
    // An ES module too: run it in a child process.
    const script = `import { validate } from '@readme/openapi-parser'; console.log(JSON.stringify(await validate(${JSON.stringify(file)})));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: __dirname });
    const result = JSON.parse(stdout) as { valid: boolean; errors?: unknown[] };
    expect({ valid: result.valid, errors: result.errors ?? [] }).toEqual({ valid: true, errors: [] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('lists every route of the API with schemas generated from the contracts', async () => {
  const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as any;
  const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(operations).toEqual(
    expect.arrayContaining([
      'POST /v1/uploads',
      'POST /v1/uploads/presign',
      'PUT /v1/local-uploads/{key}',
      'POST /v1/assets/{id}/complete',
      'POST /v1/upload-tokens',
      'POST /v1/events/s3',
      'POST /v1/jobs',
      'POST /v1/jobs/batch',
      'GET /v1/assets',
      'GET /v1/assets/{id}',
      'POST /v1/assets/{id}/retry',
      'GET /v1/uppy/s3/params',
      'POST /v1/uppy/s3/multipart',
      'GET /v1/uppy/s3/multipart/{uploadId}/{partNumber}',
      'GET /v1/uppy/s3/multipart/{uploadId}/batch',
      'GET /v1/uppy/s3/multipart/{uploadId}',
      'POST /v1/uppy/s3/multipart/{uploadId}/complete',
      'DELETE /v1/uppy/s3/multipart/{uploadId}',
      'POST /v1/uppy/{token}/s3/multipart',
      'PUT /v1/local-uploads/parts/{uploadId}/{partNumber}',
      'POST /v1/imports',
      'GET /v1/imports/{id}',
      'POST /v1/imports/{id}/cancel',
    ]),
  );
  const schemas = doc.components.schemas;
  expect(schemas.PresignRequest.required).toEqual(expect.arrayContaining(['fileName', 'contentType', 'size']));
  expect(schemas.PresignRequest.properties.method.enum).toEqual(['PUT', 'POST']);
  expect(schemas.UppyCompleteRequest.properties.parts.items.required).toEqual(['PartNumber', 'ETag']);
  expect(schemas.JobRequest.properties.source.anyOf).toHaveLength(2);
  expect(schemas.UploadTokenRequest.properties.expiresInSeconds).toMatchObject({ minimum: 10, maximum: 3600 });
  expect(doc.paths['/v1/jobs/batch'].post.requestBody.content['application/json'].schema.properties.jobs.maxItems).toBe(1000);
  // Every $ref points at a component that exists.
  const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
  expect(refs.filter((name) => !(name in schemas))).toEqual([]);
});

it('serves /docs as an API reference that loads nothing from other origins', async () => {
  const res = await fetch(`${gateway.url}/docs`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/html');
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  const html = await res.text();
  expect(html).not.toMatch(/https?:\/\//);
  const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  expect(loaded).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui-bundle.js', '/docs/init.js']));
  for (const path of loaded) {
    const asset = await fetch(`${gateway.url}${path}`);
    expect([path, asset.status]).toEqual([path, 200]);
    await asset.arrayBuffer();
  }
  expect((await fetch(`${gateway.url}/docs/assets/package.json`)).status).toBe(404);
});

it('documents exactly the routes the gateway mounts, both ways', async () => {
  const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as { paths: Record<string, object> };
  const documented = Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
  // Routes that are not part of the HTTP API: the reference itself and its static files.
  const notApi = ['GET /docs', 'GET /docs/init.js', 'GET /docs/assets/{file}'];
  const mounted = mountedRoutes(gateway.app).filter((route) => !notApi.includes(route));
  expect({ undocumented: mounted.filter((route) => !documented.includes(route)) }).toEqual({ undocumented: [] });
  // Bull Board is a sub-application mounted at /admin/queues: its entry is documented, its own routes are Bull Board's.
  const subApps = ['GET /admin/queues'];
  expect({ notMounted: documented.filter((route) => !mounted.includes(route) && !subApps.includes(route)) }).toEqual({
    notMounted: [],
  });
});

it('documents declared routes from their declarations: auth, parameters, answers and errors', async () => {
  const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as any;
  const retry = doc.paths['/v1/assets/{id}/retry'].post;
  expect(retry.security).toEqual([{ apiKey: [] }]);
  expect(retry.parameters.map((p: any) => `${p.in} ${p.name}`)).toEqual(['path id', 'header Idempotency-Key']);
  expect(retry.responses['202'].headers.Location).toBeDefined();
  expect(retry.responses['409'].description).toMatch(/^conflict: only failed assets/);
  expect(doc.paths['/v1/events/s3'].post.security).toEqual([{ s3EventsToken: [] }, { apiKey: [] }]);
  const localPut = doc.paths['/v1/local-uploads/{key}'].put;
  expect(localPut.security).toEqual([]);
  expect(localPut.requestBody.content['image/*'].schema).toEqual({ type: 'string', format: 'binary' });
  expect(Object.keys(localPut.responses)).toEqual(['204', '403', '409', '413', '415', '503', '507']);
  expect(doc.paths['/v1/admin/failed'].get.parameters.map((p: any) => p.name)).not.toContain('status');
  expect(doc.paths['/v1/admin/failed/retry'].post.requestBody.content['application/json'].schema.properties.ids.maxItems).toBe(
    1000,
  );
  expect(doc.paths['/v1/purge/{id}'].get.parameters[0].schema.pattern).toBe('^prg_[A-Za-z0-9_-]{22}$');
  expect(doc.paths['/openapi.json'].get.security).toEqual([]);
  // Uppy's path-token routes: no security scheme, the token is a path parameter; the chain counts requests.
  const uppyByToken = doc.paths['/v1/uppy/{token}/s3/multipart/{uploadId}/complete'].post;
  expect(uppyByToken.security).toEqual([]);
  expect(uppyByToken.parameters.map((p: any) => `${p.in} ${p.name}`)).toEqual([
    'path token',
    'path uploadId',
    'query key',
    'header Idempotency-Key',
  ]);
  expect(Object.keys(uppyByToken.responses)).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '429']);
  // tus: each method a descriptor handing the request to @tus/server; its 412 has its own code.
  expect(doc.paths['/v1/tus/{id}'].head.responses['412'].description).toBe('tus_version_unsupported');
  expect(doc.paths['/v1/tus'].options.security).toEqual([]);
  // The runtime's operational routes, described by the runtime itself.
  expect(doc.paths['/readyz'].get.responses['503'].content['application/json'].schema.required).toEqual(['status', 'checks']);
  expect(doc.paths['/v1/imports'].post.parameters.map((p: any) => p.name)).toEqual(['Idempotency-Key']);
});

it('documents the original download: its 200 and 302 answers, the forbidden token and the missing original, and retained on Asset', async () => {
  const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as any;
  const original = doc.paths['/v1/assets/{id}/original'].get;
  expect(Object.keys(original.responses)).toEqual(expect.arrayContaining(['200', '302', '401', '403', '404', '409']));
  expect(original.responses['200'].headers['Ingest-Original-SHA256']).toBeDefined();
  expect(original.responses['302'].headers.Location).toBeDefined();
  expect(original.responses['403'].description).toMatch(/^forbidden: an upload token/);
  expect(original.responses['409'].description).toMatch(/^original_unavailable: /);
  expect(doc.components.schemas.Asset.properties.original.properties.retained.required).toEqual(['key', 'storedAt']);
});
