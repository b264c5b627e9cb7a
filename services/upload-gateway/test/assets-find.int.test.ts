// Proves GET /v1/assets filters by folder, folder prefix, tag, policy, destination, status and creation time through HTTP, combines them, pages under a filter, and answers bad_request for a bad filter or cursor.
import type { Asset } from '@ingestkit/contracts';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { makeAsset, makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { callJson, postUpload, startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let gateway: TestGateway;
let uploaded: string;
let kids: Asset;
let lookalike: Asset;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url });
  const registry = createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
  const upload = await postUpload(gateway, {
    files: [{ data: await makeJpeg({ width: 32, height: 24 }), name: 'shoe.jpg', type: 'image/jpeg' }],
    fields: { folder: 'shop/shoes', tags: 'summer, red' },
  });
  expect(upload.status).toBe(202);
  uploaded = upload.body.asset.id;
  const at = (iso: string) => ({ createdAt: iso, updatedAt: iso });
  kids = makeAsset({
    folder: 'shop/shoes/kids',
    tags: ['red'],
    policy: 'thumb',
    destination: 's3',
    status: 'ready',
    ...at('2026-03-01T00:00:00.000Z'),
  });
  lookalike = makeAsset({ folder: 'shop/shoesx', tags: ['blue'], destination: 'imagekit', ...at('2026-02-01T00:00:00.000Z') });
  const elsewhere = makeAsset({ folder: 'elsewhere', ...at('2026-04-01T00:00:00.000Z') });
  for (const asset of [kids, lookalike, elsewhere]) await registry.create(asset);
});

afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

async function listed(query: string): Promise<string[]> {
  const response = await callJson(gateway, 'GET', `/v1/assets?${query}`);
  expect(response.status).toBe(200);
  return response.body.assets.map((asset: { id: string }) => asset.id);
}

it('lists by each filter, and by several at once', async () => {
  expect(await listed('folder=shop/shoes')).toEqual([uploaded]);
  expect(await listed('folderPrefix=/shop/shoes/')).toEqual([uploaded, kids.id]);
  expect(await listed('folderPrefix=shop')).toEqual([uploaded, kids.id, lookalike.id]);
  expect(await listed('tag=red')).toEqual([uploaded, kids.id]);
  expect(await listed('tag=summer')).toEqual([uploaded]);
  expect(await listed('policy=thumb')).toEqual([kids.id]);
  expect(await listed('destination=imagekit')).toEqual([lookalike.id]);
  expect(await listed('status=ready')).toEqual([kids.id]);
  expect(await listed('createdAfter=2026-01-15T00:00:00Z&createdBefore=2026-02-15T00:00:00%2B01:00')).toEqual([lookalike.id]);
  expect(await listed('createdBefore=2026-03-01T00:00:00.000Z')).toEqual([lookalike.id]);
  expect(await listed('folderPrefix=shop&tag=red&status=queued')).toEqual([uploaded]);
  expect(await listed('folderPrefix=shop&destination=s3&createdAfter=2026-03-01T00:00:00Z')).toEqual([kids.id]);
});

it('answers an empty page for a filter that matches nothing', async () => {
  const response = await callJson(gateway, 'GET', '/v1/assets?tag=nothing&folderPrefix=shop');
  expect(response).toMatchObject({ status: 200, body: { assets: [] } });
  expect(response.body.nextCursor).toBeUndefined();
});

it('pages under a filter with the same cursor', async () => {
  const ids: string[] = [];
  let cursor = '';
  for (let page = 0; page < 10; page++) {
    const response = await callJson(gateway, 'GET', `/v1/assets?folderPrefix=shop&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...response.body.assets.map((asset: { id: string }) => asset.id));
    cursor = response.body.nextCursor ?? '';
    if (!cursor) break;
  }
  expect(ids).toEqual([uploaded, kids.id, lookalike.id]);
});

it.each([
  'folder=../etc',
  'folderPrefix=a//b',
  'tag=%3Cscript%3E',
  'policy=Not%20A%20Policy',
  'destination=ftp',
  'createdAfter=yesterday',
  'createdBefore=2026-01-01',
  'folder=shop&cursor=bm9wZQ',
])('answers bad_request for %s', async (query) => {
  const response = await callJson(gateway, 'GET', `/v1/assets?${query}`);
  expect(response).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
});

it('documents every filter as a query parameter of GET /v1/assets', async () => {
  const document = await callJson(gateway, 'GET', '/openapi.json', { auth: null });
  const names = document.body.paths['/v1/assets'].get.parameters.map((parameter: { name: string }) => parameter.name);
  expect(names.sort()).toEqual(
    [
      'status',
      'folder',
      'folderPrefix',
      'tag',
      'policy',
      'destination',
      'createdAfter',
      'createdBefore',
      'limit',
      'cursor',
    ].sort(),
  );
});
