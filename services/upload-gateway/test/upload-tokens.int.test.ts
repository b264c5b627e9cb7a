// Proves upload tokens minted with an API key let a browser upload within the token's limits, and nowhere else.
import { makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import { createUploadTokens } from '../src/http/upload-token';
import { callJson, mintUploadToken, postUpload, SIGNING_SECRET, startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let gateway: TestGateway;
let png: Buffer;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url });
  png = await makePng({ width: 16, height: 16 });
});

afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

it('mints a token with an expiry in minutes and the limits asked for', async () => {
  const res = await callJson(gateway, 'POST', '/v1/upload-tokens', {
    body: { folder: 'avatars', maxFiles: 3, expiresInSeconds: 300 },
  });
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.body).toMatchObject({ token: expect.stringMatching(/^ut1\./), limits: { folder: 'avatars', maxFiles: 3 } });
  const expiresIn = Date.parse(res.body.expiresAt) - Date.now();
  expect(expiresIn).toBeGreaterThan(290_000);
  expect(expiresIn).toBeLessThanOrEqual(300_000);
});

it('uploads with a token, forcing its folder, destination and policy', async () => {
  const token = await mintUploadToken(gateway, { folder: 'avatars/u1', destination: 'local', policy: 'thumb' });
  const res = await postUpload(gateway, { files: [{ data: png, name: 'me.png' }], apiKey: token });
  expect(res.status).toBe(202);
  expect(res.body.asset).toMatchObject({ folder: 'avatars/u1', destination: 'local', policy: 'thumb' });
});

it('refuses a request that names another folder than the token allows, keeping nothing', async () => {
  const token = await mintUploadToken(gateway, { folder: 'avatars/u1' });
  const before = await gateway.staging.list('staging/');
  const res = await postUpload(gateway, { files: [{ data: png }], fields: { folder: 'admin' }, apiKey: token });
  expect(res.status).toBe(403);
  expect(res.body.error).toMatchObject({ code: 'forbidden', details: { field: 'folder', allowed: 'avatars/u1' } });
  expect(await gateway.staging.list('staging/')).toEqual(before);
});

it('caps the upload at the token maxBytes', async () => {
  const token = await mintUploadToken(gateway, { maxBytes: 100 });
  const res = await postUpload(gateway, { files: [{ data: png }], apiKey: token });
  expect(png.length).toBeGreaterThan(100);
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe('payload_too_large');
});

it('allows maxFiles uploads per token, then refuses', async () => {
  const token = await mintUploadToken(gateway, { maxFiles: 1 });
  expect((await postUpload(gateway, { files: [{ data: png }], apiKey: token })).status).toBe(202);
  const second = await postUpload(gateway, { files: [{ data: png }], apiKey: token });
  expect(second.status).toBe(403);
  expect(second.body.error).toMatchObject({ code: 'forbidden', details: { maxFiles: 1 } });
});

it('accepts tokens on upload routes only, and never to mint more tokens', async () => {
  const token = await mintUploadToken(gateway);
  const upload = await postUpload(gateway, { files: [{ data: png }], apiKey: token });
  const assetPath = `/v1/assets/${upload.body.asset.id}`;
  for (const [method, path] of [
    ['GET', assetPath],
    ['GET', '/v1/assets'],
    ['POST', '/v1/upload-tokens'],
    ['POST', '/v1/jobs'],
  ] as const) {
    const res = await callJson(gateway, method, path, { auth: token, ...(method === 'POST' ? { body: {} } : {}) });
    expect([path, res.status, res.body.error.code]).toEqual([path, 401, 'unauthorized']);
    expect(res.body.error.message).toMatch(/upload routes only/);
  }
});

it('refuses a tampered or expired token with 401', async () => {
  const token = await mintUploadToken(gateway, { folder: 'a' });
  const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
  const res = await postUpload(gateway, { files: [{ data: png }], apiKey: tampered });
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('unauthorized');
  const expired = createUploadTokens(SIGNING_SECRET).mint({
    kid: 'k',
    limits: {},
    expiresInSeconds: 10,
    now: new Date(Date.now() - 11_000),
  });
  const late = await postUpload(gateway, { files: [{ data: png }], apiKey: expired.token });
  expect(late.status).toBe(401);
  expect(late.body.error.message).toMatch(/expired/);
  // Minting refuses lifetimes outside 10 s .. 1 h.
  const tooLong = await callJson(gateway, 'POST', '/v1/upload-tokens', { body: { expiresInSeconds: 7200 } });
  expect(tooLong.status).toBe(400);
  // A destination this deployment does not deliver to (no ImageKit account here).
  const nowhere = await callJson(gateway, 'POST', '/v1/upload-tokens', { body: { destination: 'imagekit' } });
  expect(nowhere.status).toBe(400);
  expect(nowhere.body.error.details.issues).toEqual([expect.objectContaining({ field: 'destination' })]);
});
