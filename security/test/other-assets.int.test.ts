// A token holder cannot touch assets it did not create: no overwrite without the token's claim (every flow), no key shared with another asset, no purges beyond its key's hourly allowance, and no stale file kept because an overwrite looked the same size.
import { createHash } from 'node:crypto';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { startHostileStack, API_KEYS, type HostileStack } from './harness/hostile-stack';

jest.setTimeout(120_000);

let redis: TestRedis;
let stack: HostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'others', { DEFAULT_DESTINATION: 'local' });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
const sha256 = (bytes: Buffer | ArrayBuffer) =>
  createHash('sha256')
    .update(Buffer.from(bytes as ArrayBuffer))
    .digest('hex');
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function uploadForm(url: string, credential: string, fields: Record<string, string>, image: Buffer) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('file', new Blob([image], { type: 'image/jpeg' }), fields.fileName ?? 'photo.jpg');
  return fetch(`${url}/v1/uploads`, { method: 'POST', headers: bearer(credential), body: form });
}

describe('the overwrite claim', () => {
  it('refuses overwrite=true from a token without it, on every flow, with 403 forbidden', async () => {
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 10, folder: 'gallery' });
    const image = await makeJpeg({ width: 64, height: 48 });

    const multipart = await uploadForm(stack.url, token, { overwrite: 'true', fileName: 'a.jpg' }, image);
    expect(multipart.status).toBe(403);
    expect(await errorCode(multipart)).toBe('forbidden');

    const presign = await fetch(`${stack.url}/v1/uploads/presign`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'a.jpg', contentType: 'image/jpeg', size: image.length, overwrite: true }),
    });
    expect(presign.status).toBe(403);
    expect(await errorCode(presign)).toBe('forbidden');

    const params = new URLSearchParams({ filename: 'a.jpg', type: 'image/jpeg', 'metadata[overwrite]': 'true' });
    const uppyParams = await fetch(`${stack.url}/v1/uppy/s3/params?${params}`, { headers: bearer(token) });
    expect(uppyParams.status).toBe(403);
    expect(await errorCode(uppyParams)).toBe('forbidden');

    const uppyMultipart = await fetch(`${stack.url}/v1/uppy/s3/multipart`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'a.jpg', type: 'image/jpeg', metadata: { overwrite: 'true' } }),
    });
    expect(uppyMultipart.status).toBe(403);
    expect(await errorCode(uppyMultipart)).toBe('forbidden');

    // Jobs stay API-key only.
    const job = await fetch(`${stack.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ source: { url: 'https://images.example.test/a.jpg' }, overwrite: true }),
    });
    expect(job.status).toBe(401);
  });

  it('lets a token minted with overwrite: true overwrite within its folder', async () => {
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 2, folder: 'claimed', overwrite: true });
    const res = await uploadForm(
      stack.url,
      token,
      { overwrite: 'true', fileName: 'mine.jpg' },
      await makeJpeg({ width: 64, height: 48 }),
    );
    expect(res.status).toBe(202);
    const { asset } = (await res.json()) as { asset: { id: string } };
    expect((await stack.settled(asset.id)).status).toBe('ready');
  });
});

describe("another asset's key", () => {
  it("never lands an overwrite on a victim's delivered file, whatever folder the token names", async () => {
    const victimRes = await uploadForm(
      stack.url,
      API_KEYS[1],
      { folder: 'victims', fileName: 'photo.jpg' },
      await makeJpeg({ width: 64, height: 48, seed: 7 }),
    );
    expect(victimRes.status).toBe(202);
    const victimId = ((await victimRes.json()) as { asset: { id: string } }).asset.id;
    const victim = await stack.settled(victimId);
    expect(victim.status).toBe('ready');
    const victimUrl = victim.output.url as string;
    const before = sha256(await (await fetch(victimUrl)).arrayBuffer());

    // A token that may overwrite must name its folder, and stays in it.
    const unscoped = await fetch(`${stack.url}/v1/upload-tokens`, {
      method: 'POST',
      headers: { ...stack.apiKey(), 'content-type': 'application/json' },
      body: JSON.stringify({ maxBytes: 1_000_000, maxFiles: 5, overwrite: true }),
    });
    expect(unscoped.status).toBe(400);
    expect(await errorCode(unscoped)).toBe('bad_request');
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 5, folder: 'victims', overwrite: true });
    const image = await makeJpeg({ width: 64, height: 48, seed: 99 });
    const fields = { folder: `victims/${victimId}`, fileName: 'photo.jpg', overwrite: 'true' };
    const byToken = await uploadForm(stack.url, token, fields, image);
    // The reserved segment is refused first (400), before the folder claim would be (403).
    expect([byToken.status, await errorCode(byToken)]).toEqual([400, 'bad_request']);
    // Even the API key, which has no folder to stay in, cannot name the victim's key: the
    // asset-id-shaped segment is reserved.
    const byKey = await fetch(`${stack.url}/v1/uploads`, {
      method: 'POST',
      headers: stack.apiKey(),
      body: (() => {
        const form = new FormData();
        for (const [name, value] of Object.entries(fields)) form.set(name, value);
        form.set('file', new Blob([image], { type: 'image/jpeg' }), 'photo.jpg');
        return form;
      })(),
    });
    expect([byKey.status, await errorCode(byKey)]).toEqual([400, 'bad_request']);

    const after = await fetch(victimUrl);
    expect(after.status).toBe(200);
    expect(sha256(await after.arrayBuffer())).toBe(before);
    expect((await stack.asset(victimId)).output.url).toBe(victimUrl);
  });
});

describe('tokens die with their minting key', () => {
  it('refuses with 401 a token whose key was removed from API_KEYS', async () => {
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 2 }, 1);
    const image = await makeJpeg({ width: 64, height: 48 });
    expect((await uploadForm(stack.url, token, {}, image)).status).toBe(202);

    // The same deployment restarted with the second key rotated out.
    const rotated = await startHostileStack(redis.url, 'rotated', { API_KEYS: API_KEYS[0] });
    try {
      const res = await uploadForm(rotated.url, token, {}, image);
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('unauthorized');
      // Tokens of the key still configured keep working.
      const kept = await rotated.mintToken({ maxBytes: 1_000_000, maxFiles: 1 }, 0);
      expect((await uploadForm(rotated.url, kept, {}, image)).status).toBe(202);
    } finally {
      await rotated.stop();
    }
  });
});

it('keeps serving honest clients', async () => {
  expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
});
