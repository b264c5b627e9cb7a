// Proves backend apps get exactly one signed POST per event (ready, rejected), retried with the same webhook-id, and none lost when the relay crashes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Notification, type Asset } from '@ingestkit/contracts';
import { outboxKeys } from '@ingestkit/registry';
import { makeAsset, makeJpeg, makeText, startRedis, type TestRedis } from '@ingestkit/testkit';
import { startTestPipeline, type TestPipeline } from './harness';

const SECRET = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;

interface Delivery {
  id: string;
  notification: Notification;
  isSignatureValid: boolean;
}

/** Verifies a delivery exactly as the Standard Webhooks specification describes it. */
function verify(headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const [id, timestamp, signatures] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) =>
    String(headers[name] ?? ''),
  ) as [string, string, string];
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
}

let redis: TestRedis;
let receiver: Server;
let pipeline: TestPipeline;
const deliveries: Delivery[] = [];
/** Asset id → how many more deliveries of its notifications to answer with 500. */
const failures = new Map<string, number>();

const deliveriesOf = (assetId: string) => deliveries.filter((delivery) => delivery.notification.data.asset.id === assetId);

async function waitForDeliveries(assetId: string, count: number, timeoutMs = 15_000): Promise<Delivery[]> {
  const deadline = Date.now() + timeoutMs;
  while (deliveriesOf(assetId).length < count) {
    if (Date.now() > deadline) throw new Error(`${deliveriesOf(assetId).length} of ${count} deliveries for ${assetId}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // Anything more than expected would arrive within this grace period.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return deliveriesOf(assetId);
}

beforeAll(async () => {
  redis = await startRedis();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const notification = Notification.parse(JSON.parse(body));
      deliveries.push({ id: String(req.headers['webhook-id']), notification, isSignatureValid: verify(req.headers, body) });
      const remaining = failures.get(notification.data.asset.id) ?? 0;
      failures.set(notification.data.asset.id, remaining - 1);
      res.writeHead(remaining > 0 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  pipeline = await startTestPipeline({ redisUrl: redis.url, notify: { url: `http://127.0.0.1:${port}/hooks`, secret: SECRET } });
});

afterAll(async () => {
  await pipeline.close();
  await new Promise((resolve) => receiver.close(resolve));
  await redis.stop();
});

async function createAsset(status: Asset['status']): Promise<string> {
  const asset = makeAsset({ status });
  await pipeline.registry.create(asset);
  return asset.id;
}

it('sends exactly one signed asset.ready for an asset the pipeline takes to ready', async () => {
  const id = await pipeline.ingest(await makeJpeg({ width: 640, height: 480 }));
  const asset = await pipeline.settled(id);
  expect(asset.status).toBe('ready');
  const [delivery, ...more] = await waitForDeliveries(id, 1);
  expect(more).toEqual([]);
  expect(delivery!.isSignatureValid).toBe(true);
  expect(delivery!.id).toBe(delivery!.notification.id);
  expect(delivery!.notification).toMatchObject({ type: 'asset.ready', data: { asset: { id, status: 'ready' } } });
  expect(delivery!.notification.data.asset.output?.url).toBe(asset.output?.url);
});

it('sends asset.rejected for an input that can never succeed', async () => {
  const id = await pipeline.ingest(makeText());
  expect((await pipeline.settled(id)).status).toBe('rejected');
  const [delivery, ...more] = await waitForDeliveries(id, 1);
  expect(more).toEqual([]);
  expect(delivery!.isSignatureValid).toBe(true);
  expect(delivery!.notification).toMatchObject({
    type: 'asset.rejected',
    data: { asset: { error: { code: 'unsupported_media_type' } } },
  });
});

it('retries a receiver that answers 500 twice, with the same webhook-id each time', async () => {
  const id = await createAsset('validating');
  failures.set(id, 2);
  await pipeline.registry.transition(id, { from: ['validating'], to: 'failed' });
  const attempts = await waitForDeliveries(id, 3, 20_000);
  expect(attempts).toHaveLength(3);
  expect(new Set(attempts.map((attempt) => attempt.id)).size).toBe(1);
  expect(attempts.every((attempt) => attempt.isSignatureValid && attempt.notification.type === 'asset.failed')).toBe(true);
});

it('delivers, once, a notification a crashed relay left in processing, after the relay restarts', async () => {
  await pipeline.stopRelay();
  const id = await createAsset('delivering');
  await pipeline.registry.transition(id, { from: ['delivering'], to: 'ready' });
  const keys = outboxKeys(pipeline.prefix);
  // The crash: the entry was moved to processing, and the relay died before enqueueing it.
  expect(await pipeline.redis.lmove(keys.pending, keys.processing, 'RIGHT', 'LEFT')).not.toBeNull();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(deliveriesOf(id)).toEqual([]);

  pipeline.startRelay();
  const [delivery, ...more] = await waitForDeliveries(id, 1);
  expect(more).toEqual([]);
  expect(delivery!.notification.type).toBe('asset.ready');
  expect(await pipeline.redis.llen(keys.processing)).toBe(0);
  expect(await pipeline.redis.llen(keys.pending)).toBe(0);
});
