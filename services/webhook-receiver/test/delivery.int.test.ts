// Proves POST /webhooks/imagekit refuses forged, unsigned, altered, stale and wrong-secret deliveries with 401 and enqueues nothing, acknowledges a redelivered event without processing it twice, and accepts every secret of a rotation.
import { randomUUID } from 'node:crypto';
import { signLegacyWebhook, signStandardWebhook } from '@ingestkit/imagekit-emulator';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { externalAssetId } from '../src/file-version';
import { OLD_SECRET, SECRET, startTestReceiver, type TestReceiver } from './harness';

let redis: TestRedis;
let receiver: TestReceiver;

beforeAll(async () => {
  redis = await startRedis();
  receiver = await startTestReceiver({ redisUrl: redis.url, secrets: [SECRET, OLD_SECRET] });
});
afterAll(async () => {
  await receiver.close();
  await redis.stop();
});

function fileCreated(fileId = `file_${randomUUID().slice(0, 8)}`) {
  return JSON.stringify({
    id: randomUUID(),
    type: 'file.created',
    created_at: new Date().toISOString(),
    data: {
      fileId,
      type: 'file',
      name: 'a.png',
      filePath: '/a.png',
      url: 'https://ik.example/demo/a.png?updatedAt=1',
      versionInfo: { id: `ver_${fileId}`, name: 'Version 1' },
      mime: 'image/png',
      width: 4,
      height: 4,
      size: 10,
      updatedAt: new Date().toISOString(),
    },
  });
}

function signed(
  body: string,
  options: { secret?: string; atMs?: number; scheme?: 'standard' | 'legacy' } = {},
): Record<string, string> {
  const atMs = options.atMs ?? Date.now();
  const secret = options.secret ?? SECRET;
  const id = (JSON.parse(body) as { id: string }).id;
  return options.scheme === 'legacy'
    ? { 'x-ik-signature': signLegacyWebhook(secret, body, atMs) }
    : { ...signStandardWebhook(secret, id, body, Math.floor(atMs / 1000)) };
}

function post(body: string, headers: Record<string, string>) {
  return fetch(receiver.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

async function jobCount(): Promise<number> {
  const counts = await receiver.eventQueue.getJobCounts();
  return Object.values(counts).reduce((sum, value) => sum + value, 0);
}

describe('refused deliveries', () => {
  const body = fileCreated();
  const tampered = body.replace('"a.png"', '"b.png"');
  it.each([
    [
      'a forged signature',
      () => post(body, { ...signed(body), 'webhook-signature': `v1,${Buffer.alloc(32, 7).toString('base64')}` }),
      'signature_mismatch',
    ],
    ['no signature headers', () => post(body, {}), 'missing_headers'],
    ['a body changed after signing (Standard Webhooks)', () => post(tampered, signed(body)), 'signature_mismatch'],
    [
      'a body changed after signing (x-ik-signature)',
      () => post(tampered, signed(body, { scheme: 'legacy' })),
      'signature_mismatch',
    ],
    ['a stale timestamp', () => post(body, signed(body, { atMs: Date.now() - 10 * 60_000 })), 'stale_timestamp'],
    [
      'a future timestamp',
      () => post(body, signed(body, { atMs: Date.now() + 10 * 60_000, scheme: 'legacy' })),
      'future_timestamp',
    ],
    ['a secret that is not configured', () => post(body, signed(body, { secret: 'whsec_d3Jvbmc=' })), 'signature_mismatch'],
  ])('answers 401 to %s and enqueues nothing', async (_name, send, reason) => {
    const response = await send();
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized', details: { reason } } });
    expect(await jobCount()).toBe(0);
  });

  it('counts refusals by outcome on /metrics', async () => {
    const metrics = await (await fetch(`${receiver.origin}/metrics`)).text();
    expect(metrics).toMatch(/ingestkit_webhook_deliveries_total\{outcome="signature_mismatch"[^}]*\} 4/);
    expect(metrics).toMatch(/ingestkit_webhook_deliveries_total\{outcome="missing_headers"[^}]*\} 1/);
  });
});

it('acknowledges an event delivered twice, and enqueues and processes it once', async () => {
  const fileId = `file_${randomUUID().slice(0, 8)}`;
  const body = fileCreated(fileId);
  const first = await post(body, signed(body));
  // A redelivery is re-signed with a fresh timestamp, and may use the other scheme.
  const second = await post(body, signed(body, { scheme: 'legacy', atMs: Date.now() + 1_000 }));
  expect([first.status, second.status]).toEqual([200, 200]);
  expect(await first.json()).toEqual({ received: true });
  expect(await second.json()).toEqual({ received: true, duplicate: true });

  await receiver.until(
    () => receiver.eventQueue.getJobCounts('completed'),
    (counts) => counts.completed === 1,
  );
  expect(await jobCount()).toBe(1);
  expect((await receiver.registry.get(externalAssetId(fileId)))?.versions).toHaveLength(1);
  const metrics = await (await fetch(`${receiver.origin}/metrics`)).text();
  expect(metrics).toMatch(/ingestkit_webhook_duplicates_total\{[^}]*\} 1/);
  expect(metrics).toMatch(/ingestkit_webhook_events_processed_total\{type="file.created",action="external-file"[^}]*\} 1/);
  await receiver.eventQueue.obliterate({ force: true });
});

it('accepts deliveries signed with any secret of a rotation, in both schemes', async () => {
  for (const [secret, scheme] of [
    [SECRET, 'standard'],
    [OLD_SECRET, 'standard'],
    [OLD_SECRET, 'legacy'],
  ] as const) {
    const body = fileCreated();
    const response = await post(body, signed(body, { secret, scheme }));
    expect(response.status).toBe(200);
  }
  await receiver.until(jobCount, (count) => count === 3);
});
