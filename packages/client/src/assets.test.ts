import { makeAsset } from '@ingestkit/testkit';
import { createClientWith } from './client';

describe('assets.update', () => {
  it('sends a JSON merge patch with If-Match from the revision, and reads the asset answered', async () => {
    const asset = makeAsset({ tags: ['b'], revision: 4 });
    const seen: Array<{ method: string; url: string; headers: Record<string, string>; body: string }> = [];
    const fetch = (async (url: URL, init: RequestInit) => {
      seen.push({
        method: init.method!,
        url: String(url),
        headers: init.headers as Record<string, string>,
        body: String(init.body),
      });
      return new Response(JSON.stringify({ asset }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof globalThis.fetch;
    const client = createClientWith({ url: 'http://gw.test/', apiKey: 'k', fetch });
    expect(await client.assets.update(asset.id, { tags: ['b'], metadata: { a: null } }, { ifRevision: 3 })).toEqual(asset);
    await client.assets.update(asset.id, { tags: [] });
    expect(
      seen.map(({ method, url, headers, body }) => [method, url, headers['if-match'], headers['content-type'], body]),
    ).toEqual([
      ['PATCH', `http://gw.test/v1/assets/${asset.id}`, '"3"', 'application/json', '{"tags":["b"],"metadata":{"a":null}}'],
      ['PATCH', `http://gw.test/v1/assets/${asset.id}`, undefined, 'application/json', '{"tags":[]}'],
    ]);
  });
});
