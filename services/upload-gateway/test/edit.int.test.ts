// Proves PATCH /v1/assets/:id: a JSON merge patch of tags and metadata, ETags from the registry's revision, If-Match guarded (412), asset.updated recorded with the edit, and every refusal with its code.
import { lifecycle, type Asset } from '@ingestkit/contracts';
import { createRedisAssetRegistry, notificationFromOutbox, outboxKeys } from '@ingestkit/registry';
import { makeAsset } from '@ingestkit/testkit';
import { API_KEY, callJson, mintUploadToken, useTestGateway } from './harness';

const gateway = useTestGateway();

const registry = () => createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });

async function patch(
  id: string,
  body: unknown,
  options: { ifMatch?: string; auth?: string; contentType?: string } = {},
): Promise<{ status: number; body: any; etag: string | null }> {
  const res = await fetch(`${gateway.url}/v1/assets/${id}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${options.auth ?? API_KEY}`,
      'content-type': options.contentType ?? 'application/merge-patch+json',
      ...(options.ifMatch !== undefined ? { 'if-match': options.ifMatch } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, etag: res.headers.get('etag') };
}

async function created(overrides: Partial<Asset> = {}): Promise<Asset> {
  const asset = makeAsset({ tags: ['a', 'b'], metadata: { camera: 'x', nested: { keep: 1, drop: 2 } }, ...overrides });
  await registry().create(asset);
  return asset;
}

async function updatesOf(id: string) {
  return (await gateway.redis.lrange(outboxKeys(gateway.prefix).pending, 0, -1))
    .map(notificationFromOutbox)
    .filter((n) => n.type === 'asset.updated' && n.data.asset.id === id);
}

it('merges metadata (null removes a key), replaces tags, answers the new ETag and records asset.updated', async () => {
  const asset = await created();
  const read = await callJson(gateway, 'GET', `/v1/assets/${asset.id}`);
  expect(read.headers.get('etag')).toBe('"0"');

  const res = await patch(asset.id, { tags: ['c'], metadata: { camera: null, lens: '50mm', nested: { drop: null } } });
  expect(res.status).toBe(200);
  expect(res.body.asset).toMatchObject({
    id: asset.id,
    tags: ['c'],
    metadata: { lens: '50mm', nested: { keep: 1 } },
    revision: 1,
  });
  expect(res.body.asset.metadata).toEqual({ lens: '50mm', nested: { keep: 1 } });
  expect(res.etag).toBe('"1"');
  const again = await callJson(gateway, 'GET', `/v1/assets/${asset.id}`);
  expect(again.body.asset).toEqual(res.body.asset);
  expect(again.headers.get('etag')).toBe(res.etag);

  const updates = await updatesOf(asset.id);
  expect(updates).toHaveLength(1);
  expect(updates[0]!.data.asset).toMatchObject({ tags: ['c'], metadata: { lens: '50mm', nested: { keep: 1 } } });
});

it('accepts application/json as a merge patch too, and metadata: null clears it', async () => {
  const asset = await created();
  const res = await patch(asset.id, { metadata: null, tags: null }, { contentType: 'application/json; charset=utf-8' });
  expect(res.status).toBe(200);
  expect(res.body.asset).toMatchObject({ tags: [], metadata: {} });
});

it('applies an edit with the current ETag, refuses a stale one with 412 precondition_failed, and allows no If-Match', async () => {
  const asset = await created();
  const first = await patch(asset.id, { tags: ['one'] }, { ifMatch: '"0"' });
  expect(first.status).toBe(200);
  const stale = await patch(asset.id, { tags: ['two'] }, { ifMatch: '"0"' });
  expect(stale.status).toBe(412);
  expect(stale.body.error).toMatchObject({ code: 'precondition_failed', details: { etag: first.etag } });
  expect((await registry().get(asset.id))?.tags).toEqual(['one']);
  expect(await updatesOf(asset.id)).toHaveLength(1);
  // A weak tag never matches (If-Match compares strongly); a list matches if any tag does.
  expect((await patch(asset.id, { tags: ['w'] }, { ifMatch: `W/${first.etag}` })).status).toBe(412);
  expect((await patch(asset.id, { tags: ['three'] }, { ifMatch: `"41", ${first.etag}` })).status).toBe(200);
  expect((await patch(asset.id, { tags: ['four'] }, { ifMatch: '*' })).status).toBe(200);
  const unguarded = await patch(asset.id, { tags: ['five'] });
  expect(unguarded).toMatchObject({ status: 200, etag: '"4"' });
  expect((await patch(asset.id, { tags: ['x'] }, { ifMatch: 'not-a-tag' })).body.error.code).toBe('bad_request');
});

it('moves the ETag on any write of the asset, not only edits', async () => {
  const asset = await created();
  await registry().transition(asset.id, { from: ['queued'], to: 'validating' });
  const read = await callJson(gateway, 'GET', `/v1/assets/${asset.id}`);
  expect(read.headers.get('etag')).toBe('"1"');
  expect((await patch(asset.id, { tags: ['t'] }, { ifMatch: '"0"' })).status).toBe(412);
});

it('refuses other fields, invalid tags and metadata past intake limits with 400 bad_request, changing nothing', async () => {
  const asset = await created();
  for (const body of [
    { status: 'ready' },
    { tags: ['c'], fileName: 'x.jpg' },
    { tags: ['no/slash'] },
    { tags: Array.from({ length: 31 }, (_, i) => `t${i}`) },
    { tags: 'a,b' },
    { metadata: ['list'] },
    { metadata: { big: 'x'.repeat(17 * 1024) } },
    { metadata: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } },
    [{ op: 'replace', path: '/tags', value: [] }],
  ]) {
    const res = await patch(asset.id, body);
    expect([JSON.stringify(body).slice(0, 60), res.status, res.body.error.code]).toEqual([
      JSON.stringify(body).slice(0, 60),
      400,
      'bad_request',
    ]);
  }
  expect((await patch(asset.id, '{"tags": [')).body.error.code).toBe('bad_request');
  expect((await patch(asset.id, { tags: [] }, { contentType: 'text/plain' })).status).toBe(415);
  expect(await registry().get(asset.id)).toMatchObject({ tags: ['a', 'b'], metadata: asset.metadata });
  expect(await updatesOf(asset.id)).toHaveLength(0);
});

it('answers 404 for an unknown or malformed id, 403 to an upload token, 401 without a key', async () => {
  expect((await patch('ast_AAAAAAAAAAAAAAAAAAAAAA', { tags: [] })).body.error.code).toBe('not_found');
  expect((await patch('not-an-id', { tags: [] })).status).toBe(404);
  const asset = await created();
  const token = await mintUploadToken(gateway);
  const byToken = await patch(asset.id, { tags: ['t'] }, { auth: token });
  expect(byToken.status).toBe(403);
  expect(byToken.body.error.code).toBe('forbidden');
  expect((await patch(asset.id, { tags: ['t'] }, { auth: 'wrong' })).status).toBe(401);
  expect((await registry().get(asset.id))?.tags).toEqual(['a', 'b']);
});

it('refuses to edit a deleted asset with 409 conflict', async () => {
  const asset = await created();
  await registry().transition(asset.id, { ...lifecycle.deleted, patch: { deletedAt: new Date().toISOString() } });
  const res = await patch(asset.id, { tags: ['t'] });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('conflict');
});
