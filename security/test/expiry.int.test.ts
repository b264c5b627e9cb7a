// A presigned upload never completed expires: after the URL's expiry plus the grace period its staging is gone and the asset is rejected with upload_expired.
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { makeJpeg } from '@ingestkit/testkit';
import { startHostileStack, type HostileStack } from './harness/hostile-stack';

let redis: TestRedis;
let stack: HostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'expiry', {
    PRESIGN_EXPIRES_SECONDS: '2',
    AWAITING_UPLOAD_GRACE_SECONDS: '1',
    STAGING_ORPHAN_AFTER_SECONDS: '2',
  });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

it('rejects an awaiting_upload asset whose URL expired, with upload_expired, and removes its staging', async () => {
  const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 1 });
  const jpeg = await makeJpeg({ width: 32, height: 32 });
  const res = await fetch(`${stack.url}/v1/uploads/presign`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ fileName: 'a.jpg', contentType: 'image/jpeg', size: jpeg.length }),
  });
  expect(res.status).toBe(201);
  const { asset, upload } = (await res.json()) as {
    asset: { id: string };
    upload: { url: string; headers?: Record<string, string> };
  };
  // Uploaded but never completed: the bytes sit in staging.
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers ?? {}, body: jpeg });
  expect(put.status).toBeLessThan(300);
  expect(await stack.stagingBytes()).toBeGreaterThan(0);

  const deadline = Date.now() + 20_000;
  let current = await stack.asset(asset.id);
  while (current.status === 'awaiting_upload' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    current = await stack.asset(asset.id);
  }
  expect(current.status).toBe('rejected');
  expect(current.error?.code).toBe('upload_expired');
  expect(await stack.stagingBytes()).toBe(0);
}, 30_000);
