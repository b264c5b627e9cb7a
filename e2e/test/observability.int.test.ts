// Proves the dashboard and alerts against a live system: npm start (every service, ImageKit emulator, S3, notifications) scraped by a real Prometheus with the repository's rules. Idle, no alert is pending and the zero panels read zero (the purge budget its true value); after a traffic mix touching every panel, every dashboard query returns series and no alert is pending; with the emulator down or a stalled queue, the matching alerts go pending.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { purgeIdFrom, queueNames } from '@ingestkit/contracts';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import {
  deletePrefix,
  findFreePort,
  makeJpeg,
  makeText,
  startRedis,
  startS3,
  uniquePrefix,
  type TestRedis,
  type TestS3,
} from '@ingestkit/testkit';
import { startIngestkit, type Started } from './ingestkit-process';
import { startPrometheus, type RunningPrometheus } from './prometheus-process';

// The check a deployment runs (README, Operations): the same functions, so the test checks the script too.
interface ObservabilityCheck {
  query(prometheusUrl: string, expr: string): Promise<Array<{ value: [number, string] }>>;
  checkDashboard(
    prometheusUrl: string,
    options: { rateInterval: string },
  ): Promise<Array<{ key: string; expr: string; series: number; error?: string }>>;
  activeAlerts(prometheusUrl: string): Promise<Array<{ name: string; state: string; labels: Record<string, string> }>>;
  /** Queries allowed to be empty on a deployment, by `<panel title> / <refId>`, with the reason. */
  dataDependent: Record<string, string>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const check = require('../../scripts/check-observability.js') as ObservabilityCheck;

jest.setTimeout(240_000);

const keys = { privateKey: 'private_obs', publicKey: 'public_obs' };
// Development secrets for this test only.
const WEBHOOK_SECRET = 'whsec_b2JzZXJ2YWJpbGl0eS10ZXN0';
const NOTIFY_SECRET = 'whsec_b2JzLW5vdGlmeS1zZWNyZXQ=';
const auth = { authorization: 'Bearer dev-key' };
const prefix = uniquePrefix('e2e-obs');

let redis: TestRedis;
let s3: TestS3;
let emulator: Emulator;
let app: Started;
let prometheus: RunningPrometheus;
let sources: Server;
let notifySink: Server;
let dataDir: string;
let sourceUrl: string;
const notifications: string[] = [];

/** Polls `probe` every 250 ms until it returns a value other than undefined, for at most `ms`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; alerts now: ${(await alerts()).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const listenLocal = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: ['ingestkit-staging', 'ingestkit-assets'] });
  dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-e2e-obs-'));
  const photo = await makeJpeg({ width: 320, height: 240 });
  // The image source of URL jobs: /flaky.jpg answers 503 once (a retried attempt), then the photo.
  let flakyCalls = 0;
  sources = createServer((req, res) => {
    if (req.url === '/flaky.jpg' && flakyCalls++ === 0) return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
  });
  sourceUrl = await listenLocal(sources);
  notifySink = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      notifications.push((JSON.parse(body) as { type: string }).type);
      res.writeHead(204).end();
    });
  });
  const notifyUrl = await listenLocal(notifySink);
  const [webhookPort, workerPort, purgePort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  emulator = await startEmulator({
    ...keys,
    port: 0,
    webhookUrl: `http://127.0.0.1:${webhookPort}/webhooks/imagekit`,
    webhookSecret: WEBHOOK_SECRET,
    webhookRetry: { delaysMs: [200, 400], timeoutMs: 5_000 },
  });
  app = await startIngestkit({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    WEBHOOK_PORT: String(webhookPort),
    WORKER_METRICS_PORT: String(workerPort),
    PURGE_METRICS_PORT: String(purgePort),
    PURGE_WINDOW_MS: '100',
    PURGE_POLL_MS: '200',
    IMAGEKIT_PRIVATE_KEY: keys.privateKey,
    IMAGEKIT_PUBLIC_KEY: keys.publicKey,
    IMAGEKIT_URL_ENDPOINT: emulator.urlEndpoint,
    IMAGEKIT_BASE_URL: emulator.url,
    IMAGEKIT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    NOTIFY_URL: `${notifyUrl}/hooks`,
    NOTIFY_SECRET,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    FETCH_ALLOW_HOSTS: '127.0.0.1/32',
  });
  prometheus = await startPrometheus({
    'upload-gateway': app.gatewayUrl.replace('http://', ''),
    'ingest-worker': `127.0.0.1:${workerPort}`,
    'webhook-receiver': `127.0.0.1:${webhookPort}`,
    'purge-service': `127.0.0.1:${purgePort}`,
  });
});

afterAll(async () => {
  await prometheus?.stop();
  app?.child.kill('SIGTERM');
  await app?.exited;
  await emulator?.close();
  await Promise.all([sources, notifySink].map((server) => server && new Promise((resolve) => server.close(resolve))));
  await deletePrefix(redis.url, prefix);
  await s3?.stop();
  await redis?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const values = async (expr: string) => (await check.query(prometheus.url, expr)).map((series) => Number(series.value[1]));

/** Alerts pending or firing, as `Name{label}:state` for readable failures. */
async function alerts(label = 'queue'): Promise<string[]> {
  return (await check.activeAlerts(prometheus.url))
    .map((alert) => {
      const detail = alert.labels[label] ?? alert.labels.destination ?? alert.labels.job ?? '';
      return `${alert.name}{${detail}}:${alert.state}`;
    })
    .sort();
}

/** Waits until every service is scraped, then for a few more scrapes and rule evaluations (1 s each). */
async function settledRules(): Promise<void> {
  await waitFor('every service scraped', async () => {
    const up = await values('sum(up{job=~"upload-gateway|ingest-worker|webhook-receiver|purge-service"})');
    return up[0] === 4 ? true : undefined;
  });
  await new Promise((resolve) => setTimeout(resolve, 4_000));
}

async function upload(fields: Record<string, string>, file: Buffer, name = 'photo.jpg'): Promise<Response> {
  const form = new FormData();
  for (const [field, value] of Object.entries(fields)) form.append(field, value);
  form.append('file', new Blob([file]), name);
  return fetch(`${app.gatewayUrl}/v1/uploads`, { method: 'POST', body: form, headers: auth });
}

const post = (path: string, body: unknown) =>
  fetch(`${app.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

interface AssetView {
  id: string;
  status: string;
  output?: { imagekit?: { fileId: string; versionId: string } };
}

/** The asset once it is ready, rejected or failed. */
async function settledAsset(response: Response): Promise<AssetView> {
  expect(response.status).toBe(202);
  const location = response.headers.get('location')!;
  return waitFor(`asset ${location}`, async () => {
    const { asset } = (await (await fetch(`${app.gatewayUrl}${location}`, { headers: auth })).json()) as { asset: AssetView };
    return ['ready', 'rejected', 'failed'].includes(asset.status) ? asset : undefined;
  });
}

const settled = async (response: Response) => (await settledAsset(response)).status;

/**
 * Waits until the purge at `location` is completed: its rule is no longer in flight, so the purge
 * service stops polling ImageKit for it and the next fault injected hits the request aimed at.
 */
async function purgeCompleted(location: string): Promise<void> {
  await waitFor(`purge ${location}`, async () => {
    const response = await fetch(`${app.gatewayUrl}${location}`, { headers: auth });
    const body = response.ok ? ((await response.json()) as { purge: { status: string } }) : undefined;
    return body?.purge.status === 'completed' ? true : undefined;
  });
}

/** Waits until no queue holds a job, read from Redis (Prometheus lags a scrape behind). */
async function drained(): Promise<void> {
  const queues = Object.values(queueNames).map((name) => new Queue(name, { connection: { url: redis.url }, prefix }));
  try {
    await waitFor('every queue empty', async () => {
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
      return counts.every((count) => Object.values(count).every((n) => n === 0)) ? true : undefined;
    });
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}

const jpeg = (width: number) => makeJpeg({ width, height: Math.round(width * 0.75) });

it('is quiet when idle: no alert pending, the zero panels read zero and the purge budget its true value', async () => {
  await settledRules();
  expect(await alerts()).toEqual([]);
  expect(await values('ingestkit:purge_budget_remaining:min')).toEqual([1000]);
  expect(await values('ingestkit:http_5xx_ratio:rate5m')).toEqual([0, 0, 0, 0]);
  for (const queue of Object.values(queueNames)) {
    expect({ queue, errors: await values(`ingestkit:jobs_processed_by_code:rate5m{queue="${queue}"}`) }).toEqual({
      queue,
      errors: [0],
    });
    expect({ queue, completed: await values(`ingestkit:jobs_processed:rate5m{queue="${queue}"}`) }).toEqual({
      queue,
      completed: [0],
    });
  }
});

it('answers every dashboard query after traffic that touches every panel, and settles without an alert', async () => {
  // Uploads to each destination, and an explicit purge.
  const uploads = await Promise.all(
    ['local', 's3', 'imagekit'].flatMap((destination) =>
      [400, 480, 560].map(async (w) => upload({ destination }, await jpeg(w))),
    ),
  );
  expect(await Promise.all(uploads.map(settled))).toEqual(Array(9).fill('ready'));
  const purgeOne = await post('/v1/purge', { urls: [`${emulator.urlEndpoint}/obs/one.jpg`] });
  expect(purgeOne.status).toBe(202);

  // Rejections: refused at the gateway, a corrupt image, a forbidden URL job; and a URL job whose
  // first fetch fails (503) and is retried.
  expect((await upload({}, makeText(), 'notes.txt')).status).toBe(415);
  const corrupt = (await jpeg(400)).subarray(0, 300);
  expect(await settled(await upload({}, corrupt, 'broken.jpg'))).toBe('rejected');
  expect(await settled(await post('/v1/jobs', { source: { url: 'http://169.254.169.254/latest/photo.jpg' } }))).toBe('rejected');
  expect(await settled(await post('/v1/jobs', { source: { url: `${sourceUrl}/flaky.jpg` } }))).toBe('ready');
  expect(await settled(await post('/v1/jobs', { source: { url: `${sourceUrl}/photo.jpg` }, destination: 'imagekit' }))).toBe(
    'ready',
  );

  // ImageKit overwrites: version 2 of one path, which purges the old plain URL.
  const hero = { destination: 'imagekit', folder: 'obs/hero', fileName: 'banner.jpg', overwrite: 'true' };
  const heroFirst = await settledAsset(await upload(hero, await jpeg(600)));
  expect(heroFirst.status).toBe('ready');
  // An edit of an ImageKit asset: its tags reach the file through imagekit.sync.
  const edit = await fetch(`${app.gatewayUrl}/v1/assets/${heroFirst.id}`, {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ tags: ['obs'] }),
  });
  expect(edit.status).toBe(200);
  expect(await settled(await upload(hero, await jpeg(640)))).toBe('ready');
  // A deleted local asset: ingest.erase removes its files (a local delete queues no purge).
  const doomed = await settledAsset(await upload({ destination: 'local' }, await jpeg(440)));
  const deleted = await fetch(`${app.gatewayUrl}/v1/assets/${doomed.id}`, { method: 'DELETE', headers: auth });
  expect(deleted.status).toBe(202);
  const superseded = heroFirst.output!.imagekit!;
  await purgeCompleted(`/v1/purge/${purgeIdFrom(`${superseded.fileId} ${superseded.versionId}`)}`);
  await purgeCompleted(purgeOne.headers.get('location')!);
  await drained();

  // A 429 burst: one delivery and one purge call are refused, paused until the reset, then done.
  emulator.setFaults({ failNext: { count: 1, kind: 'rate-limit' } });
  expect(await settled(await upload({ destination: 'imagekit' }, await jpeg(420)))).toBe('ready');
  emulator.setFaults({ failNext: { count: 1, kind: 'rate-limit' } });
  const purgeTwo = await post('/v1/purge', { urls: [`${emulator.urlEndpoint}/obs/two.jpg`] });
  expect(purgeTwo.status).toBe(202);
  await purgeCompleted(purgeTwo.headers.get('location')!);
  await drained();
  emulator.setFaults({});
  expect(notifications).toEqual(expect.arrayContaining(['asset.ready', 'asset.rejected', 'asset.version.created']));

  await settledRules();
  // The mix did what it says, as Prometheus saw it.
  const counted = async (expr: string) => (await values(expr))[0] ?? 0;
  expect({
    destinationsOk: await counted('count(ingestkit_destination_requests_total{outcome="ok"} > 0)'),
    deliveryRateLimited: await counted(
      'sum(ingestkit_destination_requests_total{destination="imagekit",outcome="rate_limited"})',
    ),
    validateRetried: await counted('sum(ingestkit_jobs_processed_total{queue="ingest.validate",outcome="retry"})'),
    purgeRateLimited: await counted('sum(ingestkit_jobs_processed_total{queue="cdn.purge",outcome="rate_limited"})'),
    purgesCompleted: await counted('sum(ingestkit_jobs_processed_total{queue="cdn.purge",outcome="completed"})'),
  }).toEqual({ destinationsOk: 3, deliveryRateLimited: 1, validateRetried: 1, purgeRateLimited: 1, purgesCompleted: 3 });
  const results = await check.checkDashboard(prometheus.url, { rateInterval: '1m' });
  expect(results.length).toBeGreaterThan(60);
  // The script's list of queries allowed to be empty names real panels.
  const keys = results.map((result) => result.key);
  expect(Object.keys(check.dataDependent).filter((key) => !keys.includes(key))).toEqual([]);
  expect(results.filter((result) => result.error)).toEqual([]);
  // This traffic touches every panel but the bucket-import row (imports have their own e2e
  // test), so every other query must answer, the data-dependent ones included.
  expect(
    results
      .filter((result) => result.series === 0 && !result.key.startsWith('import.list:'))
      .map((result) => `${result.key}: ${result.expr}`),
  ).toEqual([]);
  for (let round = 0; round < 3; round++) {
    expect(await alerts()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
});

it('puts the destination and purge API alerts in pending while the emulator is down', async () => {
  emulator.setFaults({ down: true });
  try {
    await Promise.all(
      [460, 500].map(async (w) => expect((await upload({ destination: 'imagekit' }, await jpeg(w))).status).toBe(202)),
    );
    const urls = ['a', 'b', 'c'].map((folder) => `${emulator.urlEndpoint}/obs-down/${folder}/photo.jpg`);
    expect((await post('/v1/purge', { urls })).status).toBe(202);
    const expected = ['IngestkitDestinationErrors{imagekit}:pending', 'IngestkitPurgeApiErrors{}:pending'];
    await waitFor('the emulator alerts', async () => {
      const active = await alerts();
      return expected.every((alert) => active.includes(alert)) ? active : undefined;
    });
  } finally {
    emulator.setFaults({});
  }
});

it('puts the backlog and oldest-job alerts in pending for a stalled queue', async () => {
  // The queue is stalled by pausing it, as an operator (or a worker fleet scaled to zero) would.
  // One job carries the timestamp of 20 minutes ago: the test cannot wait 15 minutes for one to age.
  const validate = new Queue(queueNames.validate, { connection: { url: redis.url }, prefix });
  try {
    await validate.pause();
    await validate.add('stuck', { version: 1, assetId: 'ast_obs_stalled_oldest_0000' }, { timestamp: Date.now() - 20 * 60_000 });
    await validate.addBulk(
      Array.from({ length: 110 }, (_, index) => ({
        name: 'stuck',
        data: { version: 1, assetId: `ast_obs_stalled_${String(index).padStart(12, '0')}` },
      })),
    );
    const expected = ['IngestkitBacklogGrowing{ingest.validate}:pending', 'IngestkitOldestJobTooOld{ingest.validate}:pending'];
    await waitFor('the stalled-queue alerts', async () => {
      const active = await alerts();
      return expected.every((alert) => active.includes(alert)) ? active : undefined;
    });
  } finally {
    await validate.close();
  }
});
