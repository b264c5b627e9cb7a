// Slow clients cannot hold the gateway's connections: trickled headers and trickled bodies are cut within the configured times while honest clients are served.
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { API_KEYS, startHostileStack, type HostileStack } from './harness/hostile-stack';
import { sendSlowly } from './harness/slow-client';

const HEADERS_TIMEOUT_MS = 2_000;
const RATE_WINDOW_SECONDS = 2;

let redis: TestRedis;
let stack: HostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'slow', {
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    UPLOAD_MIN_KIB_PER_SECOND: '16',
    UPLOAD_MIN_RATE_WINDOW_SECONDS: String(RATE_WINDOW_SECONDS),
  });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

it('cuts a slowloris (headers trickled) within the headers timeout, and keeps serving', async () => {
  const attack = sendSlowly(stack.url, {
    head: 'POST /v1/uploads HTTP/1.1\r\nHost: gateway\r\n',
    drip: 'X-Slow: 1\r\n',
    everyMs: 300,
    drips: 100,
    giveUpMs: 12_000,
  });
  expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
  const result = await attack;
  expect(result.outcome).not.toBe('still-open');
  expect(result.finishedSending).toBe(false);
  expect(result.afterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
});

it('cuts an upload whose body is slower than the minimum rate, and keeps serving', async () => {
  const boundary = 'hostileboundary';
  const attack = sendSlowly(stack.url, {
    head: [
      'POST /v1/uploads HTTP/1.1',
      'Host: gateway',
      `Authorization: Bearer ${API_KEYS[0]}`,
      `Content-Type: multipart/form-data; boundary=${boundary}`,
      'Content-Length: 5000000',
      '',
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ].join('\r\n'),
    // A JPEG's first bytes (so the upload is not refused by its content), then filler.
    drip: (index) => (index === 0 ? Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.alloc(60)]) : Buffer.alloc(64)),
    everyMs: 250,
    drips: 200,
    giveUpMs: 15_000,
  });
  expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
  const result = await attack;
  expect(result.outcome).not.toBe('still-open');
  expect(result.finishedSending).toBe(false);
  expect(result.afterMs).toBeLessThan(2 * RATE_WINDOW_SECONDS * 1000 + 2_000);
  expect(await stack.stagingBytes()).toBe(0);
});

it('does not cut an honest upload', async () => {
  expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
});
