// Proves the shared HTTP bootstrap: health, readiness per dependency, metrics by route template, and JSON errors with codes.
import { IngestError } from '@ingestkit/contracts';
import { createHttpApp, finishHttpApp } from '../src/http/http-app';
import { listen, type ListeningServer } from '../src/http/listen';
import { createLogger } from '../src/logger';
import { createMetricsRegistry } from '../src/metrics';

let server: ListeningServer;
let isStoreUp = true;

beforeAll(async () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  const app = createHttpApp({
    logger,
    registry: createMetricsRegistry({ service: 'test', defaultMetrics: false }),
    readiness: [
      { name: 'redis', check: async () => {} },
      {
        name: 'store',
        check: async () => {
          if (!isStoreUp) throw new Error('disk gone');
        },
      },
    ],
  });
  app.get('/things/:id', (req) => {
    throw new IngestError('not_found', `no thing ${req.params.id}`, { details: { id: req.params.id } });
  });
  app.get('/boom', () => {
    throw new TypeError('secret internals');
  });
  server = await listen(finishHttpApp(app, logger), { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server.close();
});

const get = (path: string) => fetch(`${server.url}${path}`);

it('answers /healthz and reports each readiness check', async () => {
  expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
  expect((await get('/readyz')).status).toBe(200);
  isStoreUp = false;
  const res = await get('/readyz');
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({
    status: 'unavailable',
    checks: [
      { name: 'redis', ok: true },
      { name: 'store', ok: false, error: 'disk gone' },
    ],
  });
  isStoreUp = true;
});

it('maps IngestError to its status and JSON body, and hides unknown errors behind 500 internal_error', async () => {
  const notFound = await get('/things/42');
  expect(notFound.status).toBe(404);
  expect(await notFound.json()).toEqual({ error: { code: 'not_found', message: 'no thing 42', details: { id: '42' } } });
  const boom = await get('/boom');
  expect(boom.status).toBe(500);
  expect(await boom.json()).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
  expect(await (await get('/nowhere')).json()).toMatchObject({ error: { code: 'not_found' } });
});

it('counts requests by route template, never by raw path', async () => {
  await get('/things/1');
  await get('/things/2');
  const metrics = await (await get('/metrics')).text();
  expect(metrics).toMatch(
    /ingestkit_http_requests_total\{method="GET",route="\/things\/:id",status_class="4xx",service="test"\} [3-9]/,
  );
  expect(metrics).not.toContain('/things/1');
  expect(metrics).toContain('route="unmatched"');
});
