// Signatures and headers are checked before a body is read: a webhook with no or forged signature, and an unsigned call to the Uppy facade, are answered while the client is still sending.
import { loadWebhookReceiverConfig, startWebhookReceiver } from '@ingestkit/webhook-receiver';
import { createLogger, type ShutdownStep } from '@ingestkit/runtime';
import { deletePrefix, findFreePort, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { startHostileStack, type HostileStack } from './harness/hostile-stack';
import { sendSlowly } from './harness/slow-client';

const WEBHOOK_SECRET = 'whsec_aG9zdGlsZS1zdWl0ZS13ZWJob29rLXNlY3JldA==';

let redis: TestRedis;
let stack: HostileStack;
let receiver: { url: string; shutdownSteps: ShutdownStep[] };
const receiverPrefix = uniquePrefix('hostile-webhook');

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'before-body');
  receiver = await startWebhookReceiver(
    loadWebhookReceiverConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: receiverPrefix,
      HOST: '127.0.0.1',
      WEBHOOK_PORT: String(await findFreePort()),
      IMAGEKIT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    }),
    createLogger({ name: 'hostile-webhook', level: 'silent' }),
  );
});
afterAll(async () => {
  for (const step of receiver?.shutdownSteps ?? []) await step.close();
  await deletePrefix(redis.url, receiverPrefix);
  await stack?.stop();
  await redis?.stop();
});

/** A POST whose body (100 MB declared, or chunked) comes 1 KiB every 200 ms. */
const slowPost = (url: string, path: string, headers: string[]) => {
  const isChunked = headers.includes('Transfer-Encoding: chunked');
  const kib = Buffer.alloc(1024, 0x20);
  return sendSlowly(url, {
    head: [`POST ${path} HTTP/1.1`, 'Host: edge', ...headers, '', ''].join('\r\n'),
    drip: isChunked ? Buffer.concat([Buffer.from('400\r\n'), kib, Buffer.from('\r\n')]) : kib,
    everyMs: 200,
    drips: 25,
    giveUpMs: 10_000,
  });
};

describe('the webhook receiver', () => {
  const now = () => String(Math.floor(Date.now() / 1000));
  it.each([
    ['no signature', ['Content-Type: application/json', 'Transfer-Encoding: chunked']],
    [
      'a malformed signature',
      ['webhook-id: evt_1', `webhook-timestamp: ${now()}`, 'webhook-signature: v1,not-base64', 'Transfer-Encoding: chunked'],
    ],
    ['a stale timestamp', ['x-ik-signature: t=1000,v1=' + 'a'.repeat(64), 'Transfer-Encoding: chunked']],
  ])('refuses a delivery with %s before reading its body', async (_name, headers) => {
    const result = await slowPost(receiver.url, '/webhooks/imagekit', headers);
    expect(result).toMatchObject({ outcome: 'answered', status: 401, finishedSending: false });
    expect(result.afterMs).toBeLessThan(2_000);
  });

  it('refuses a signed-looking delivery with a huge declared body before reading it', async () => {
    const result = await slowPost(receiver.url, '/webhooks/imagekit', [
      'webhook-id: evt_1',
      `webhook-timestamp: ${now()}`,
      `webhook-signature: v1,${'A'.repeat(43)}=`,
      'Content-Length: 100000000',
    ]);
    expect(result).toMatchObject({ outcome: 'answered', status: 413, finishedSending: false });
    expect(result.afterMs).toBeLessThan(2_000);
  });
});

describe('the Uppy signing facade', () => {
  it('refuses an unsigned CompleteMultipartUpload before reading its body', async () => {
    const query = 'key=staging/ast_AAAAAAAAAAAAAAAAAAAAAA/original&uploadId=u&expires=9999999999&signature=forged';
    const result = await slowPost(stack.url, `/v1/uppy/s3-api/complete?${query}`, [
      'Content-Type: application/xml',
      'Transfer-Encoding: chunked',
    ]);
    expect(result).toMatchObject({ outcome: 'answered', status: 403, finishedSending: false });
    expect(result.afterMs).toBeLessThan(2_000);
  });

  it('authenticates POST /v1/uppy/sign before reading its body', async () => {
    const result = await slowPost(stack.url, '/v1/uppy/sign', ['Content-Type: application/json', 'Transfer-Encoding: chunked']);
    expect(result).toMatchObject({ outcome: 'answered', status: 401, finishedSending: false });
  });
});
