// Every way in is admitted before a byte is stored: form fields that break a token's limits are refused when the file part begins, not after the whole file was written.
import { request } from 'node:http';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { startHostileStack, type HostileStack } from './harness/hostile-stack';

let redis: TestRedis;
let stack: HostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'admission');
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

/**
 * Sends the form fields and the start of a file part, then nothing more: answers the status the
 * gateway sent while the file was still arriving, or `'no answer'` after `waitMs`.
 */
function startUpload(token: string, fields: Record<string, string>, waitMs: number): Promise<number | 'no answer'> {
  const boundary = 'hostile-admission-boundary';
  const head =
    Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n` +
    '\xff\xd8\xff\xe0';
  return new Promise((resolve, reject) => {
    const req = request(`${stack.url}/v1/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + 900_000),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, waitMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => (timer.hasRef() ? reject(err) : undefined));
    req.write(head, 'latin1');
  });
}

it('refuses a folder outside the token when the file part begins, storing nothing', async () => {
  const token = await stack.mintToken({ folder: 'users/alice', maxBytes: 1_000_000, maxFiles: 5 });
  const before = await stack.stagingBytes();
  expect(await startUpload(token, { folder: 'users/bob' }, 5_000)).toBe(403);
  expect(await startUpload(token, { policy: 'no-such-policy!' }, 5_000)).toBe(400);
  expect(await stack.stagingBytes()).toBe(before);
  expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
});
