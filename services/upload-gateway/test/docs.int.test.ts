// Proves /openapi.json is generated from the contracts and /docs renders it without external resources.
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let gateway: TestGateway;
beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url });
});
afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

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
  ]);
});

it('renders /docs as a self-contained page', async () => {
  const res = await fetch(`${gateway.url}/docs`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/html');
  const html = await res.text();
  expect(html).toContain('POST /v1/uploads');
  expect(html).not.toMatch(/<script|https?:\/\/(?!127)/);
});
