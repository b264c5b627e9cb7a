// Proves every service's /metrics after a real ingest matches the metrics catalog the dashboard and alerts are checked against: every ingestkit family the catalog promises for the service is there with its type, no family or label is unknown, closed label sets hold, and no label value is an id, a URL or a file name.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMetric, metricsCatalog, type ServiceName } from '@ingestkit/deploy';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { deletePrefix, findFreePort, makeJpeg, makeText, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { startIngestkit, type Started } from './ingestkit-process';

jest.setTimeout(120_000);

const keys = { privateKey: 'private_scrape', publicKey: 'public_scrape' };
// A development secret for this test only.
const WEBHOOK_SECRET = 'whsec_c2NyYXBlLXRlc3Qtc2VjcmV0';
const auth = { authorization: 'Bearer dev-key' };

let redis: TestRedis;
let emulator: Emulator;
let app: Started;
let dataDir: string;
const prefix = uniquePrefix('e2e-scrape');
const metricsUrls = {} as Record<ServiceName, string>;

beforeAll(async () => {
  redis = await startRedis();
  dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-e2e-scrape-'));
  const [webhookPort, workerPort, purgePort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  emulator = await startEmulator({
    ...keys,
    port: 0,
    webhookUrl: `http://127.0.0.1:${webhookPort}/webhooks/imagekit`,
    webhookSecret: WEBHOOK_SECRET,
  });
  app = await startIngestkit({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    WEBHOOK_PORT: String(webhookPort),
    WORKER_METRICS_PORT: String(workerPort),
    PURGE_METRICS_PORT: String(purgePort),
    PURGE_WINDOW_MS: '100',
    IMAGEKIT_PRIVATE_KEY: keys.privateKey,
    IMAGEKIT_PUBLIC_KEY: keys.publicKey,
    IMAGEKIT_URL_ENDPOINT: emulator.urlEndpoint,
    IMAGEKIT_BASE_URL: emulator.url,
    IMAGEKIT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  metricsUrls['upload-gateway'] = `${app.gatewayUrl}/metrics`;
  metricsUrls['ingest-worker'] = `http://127.0.0.1:${workerPort}/metrics`;
  metricsUrls['webhook-receiver'] = `http://127.0.0.1:${webhookPort}/metrics`;
  metricsUrls['purge-service'] = `http://127.0.0.1:${purgePort}/metrics`;

  // Real traffic: a local and an ImageKit ingest (webhooks follow), a rejected upload, a purge.
  const upload = async (data: Buffer, fields: Record<string, string>) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([data]), 'scrape-photo.jpg');
    return fetch(`${app.gatewayUrl}/v1/uploads`, { method: 'POST', body: form, headers: auth });
  };
  const accepted = [
    await upload(await makeJpeg({ width: 800, height: 600 }), {}),
    await upload(await makeJpeg({ width: 640, height: 480 }), { destination: 'imagekit' }),
  ];
  expect((await upload(makeText(), {})).status).toBe(415);
  await fetch(`${app.gatewayUrl}/v1/purge`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ urls: [`${emulator.urlEndpoint}/scrape/one.jpg`] }),
  });
  for (const response of accepted) {
    const location = response.headers.get('location')!;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const asset = (
        (await (await fetch(`${app.gatewayUrl}${location}`, { headers: auth })).json()) as { asset: { status: string } }
      ).asset;
      if (asset.status === 'ready' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // Let the webhooks and the purge batch land.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
});

afterAll(async () => {
  app.child.kill('SIGTERM');
  await app.exited;
  await emulator.close();
  await deletePrefix(redis.url, prefix);
  await redis.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Scrape {
  types: Map<string, string>;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

function parseExposition(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Scrape['samples'] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

/** A label value that identifies one thing (an asset, a purge, a URL, a file) rather than a class. */
const unbounded = /ast_[A-Za-z0-9_-]{22}|prg_[A-Za-z0-9_-]{22}|^https?:|\.(jpe?g|png|webp)$/;

it.each(['upload-gateway', 'ingest-worker', 'webhook-receiver', 'purge-service'] as const)(
  '%s exports exactly the catalogued families, with their types, labels and bounded values',
  async (service) => {
    const response = await fetch(metricsUrls[service]);
    expect(response.status).toBe(200);
    const { types, samples } = parseExposition(await response.text());

    const promised = metricsCatalog.filter((metric) => metric.origin === 'ingestkit' && metric.services.includes(service));
    const missing = promised.filter((metric) => !types.has(metric.name)).map((metric) => metric.name);
    expect({ service, missing }).toEqual({ service, missing: [] });

    for (const [name, type] of types) {
      if (!name.startsWith('ingestkit_')) continue;
      const definition = findMetric(name);
      expect({ name, known: definition !== undefined }).toEqual({ name, known: true });
      expect({ name, type }).toEqual({ name, type: definition!.type });
      expect({ name, services: definition!.services.includes(service) }).toEqual({ name, services: true });
      if (type === 'counter') expect(name).toMatch(/_total$/);
    }
    for (const { name, labels } of samples) {
      const definition = findMetric(name);
      if (!definition) {
        expect({ name, isIngestkit: name.startsWith('ingestkit_') }).toEqual({ name, isIngestkit: false });
        continue;
      }
      expect(labels.service).toBe(service);
      for (const [label, value] of Object.entries(labels)) {
        if (label === 'le' || label === 'quantile') continue;
        expect({ name, label, known: definition.labels.includes(label) }).toEqual({ name, label, known: true });
        const closed = definition.labelValues?.[label];
        if (closed)
          expect({ name, label, value, allowed: closed.includes(value) }).toEqual({ name, label, value, allowed: true });
        expect({ name, label, value, unbounded: unbounded.test(value) }).toEqual({ name, label, value, unbounded: false });
      }
    }
  },
);

it('counted the traffic of the run', async () => {
  const value = async (service: ServiceName, name: string, labels: Record<string, string> = {}) => {
    const { samples } = parseExposition(await (await fetch(metricsUrls[service])).text());
    const sample = samples.find(
      (candidate) =>
        candidate.name === name && Object.entries(labels).every(([label, wanted]) => candidate.labels[label] === wanted),
    );
    return sample ? sample.value : undefined;
  };
  expect(await value('upload-gateway', 'ingestkit_upload_rejections_total', { code: 'unsupported_media_type' })).toBe(1);
  expect(await value('ingest-worker', 'ingestkit_asset_ready_latency_seconds_count', { destination: 'local' })).toBe(1);
  expect(
    await value('ingest-worker', 'ingestkit_asset_bytes_total', { direction: 'in', destination: 'imagekit' }),
  ).toBeGreaterThan(0);
  expect(await value('ingest-worker', 'ingestkit_destination_requests_total', { destination: 'imagekit', outcome: 'ok' })).toBe(
    1,
  );
  expect(await value('ingest-worker', 'ingestkit_queue_jobs', { queue: 'ingest.validate', state: 'waiting' })).toBe(0);
  expect(await value('webhook-receiver', 'ingestkit_webhook_deliveries_total', { outcome: 'accepted' })).toBeGreaterThan(0);
  expect(await value('purge-service', 'ingestkit_purge_requests_total')).toBeGreaterThan(0);
});
