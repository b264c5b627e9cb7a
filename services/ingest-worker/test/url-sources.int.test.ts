// Proves URL sources are fetched into staging and ingested to `ready`, and that the SSRF guard, redirect cap, timeouts and byte cap reject bad sources with source_* codes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newAssetId, queueNames, type AssetSource } from '@ingestkit/contracts';
import { createQueue, enqueueStage } from '@ingestkit/runtime';
import { makeAsset, makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { createAddressPolicy } from '../src/sources/address-policy';
import { fetchUrl, type FetchLimits } from '../src/sources/fetch-url';
import { createSourceFetcher } from '../src/sources/source-fetcher';
import { startTestPipeline, type TestPipeline } from './harness';

const LIMITS: FetchLimits = { maxRedirects: 3, connectTimeoutMs: 300, timeoutMs: 1_000, maxBytes: 256 * 1024 };

let redis: TestRedis;
let pipeline: TestPipeline;
let server: Server;
let port: number;
let jpeg: Buffer;

beforeAll(async () => {
  jpeg = await makeJpeg({ width: 64, height: 48 });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/photo.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
    else if (url.pathname === '/redirect') res.writeHead(302, { location: String(url.searchParams.get('to')) }).end();
    else if (url.pathname === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (url.pathname === '/silent') req.on('close', () => res.destroy());
    else if (url.pathname === '/huge') {
      // No Content-Length: the cap must hold while streaming.
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    } else if (url.pathname === '/big-declared') res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  redis = await startRedis();
  pipeline = await startTestPipeline({ redisUrl: redis.url });
  // The stage processors read `sources` from these deps at run time.
  pipeline.stageDeps.sources = createSourceFetcher({ limits: LIMITS, allowHosts: ['127.0.0.1/32'], buckets: [] });
});

afterAll(async () => {
  await pipeline.close();
  await redis.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function ingestSource(source: AssetSource) {
  const asset = makeAsset({ id: newAssetId(), status: 'queued', source, original: undefined, fileName: 'photo.jpg' });
  await pipeline.registry.create(asset);
  const queue = createQueue(queueNames.validate, { connection: pipeline.redis, prefix: pipeline.prefix });
  await enqueueStage(queue, { version: 1, assetId: asset.id });
  await queue.close();
  return pipeline.settled(asset.id);
}

describe('URL sources through the pipeline', () => {
  it('fetches an allow-listed URL into staging and ingests it to ready', async () => {
    const asset = await ingestSource({ url: `http://127.0.0.1:${port}/photo.jpg` });
    expect(asset.status).toBe('ready');
    expect(asset.original).toMatchObject({
      bytes: jpeg.length,
      format: 'jpeg',
      width: 64,
      height: 48,
      contentType: 'image/jpeg',
    });
  });

  it('rejects a URL that redirects to a loopback address outside the allow list with source_forbidden', async () => {
    const target = `http://127.0.0.2:${port}/photo.jpg`;
    const asset = await ingestSource({ url: `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(target)}` });
    expect(asset).toMatchObject({ status: 'rejected', error: { code: 'source_forbidden', stage: 'validate' } });
    expect(await pipeline.stagedAfterCleanup(asset.id)).toEqual([]);
  });

  it('rejects a source that streams past the byte cap with source_too_large', async () => {
    const asset = await ingestSource({ url: `http://127.0.0.1:${port}/huge` });
    expect(asset).toMatchObject({ status: 'rejected', error: { code: 'source_too_large' } });
  });
});

describe('fetchUrl without an allow list', () => {
  const policy = createAddressPolicy();
  const refused = (url: string) => fetchUrl(url, policy, LIMITS);

  it.each([
    ['loopback', () => `http://127.0.0.1:${port}/photo.jpg`],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port}/photo.jpg`],
    ['a private address', () => 'http://10.0.0.1/photo.jpg'],
    ['a host that resolves to loopback', () => `http://localhost:${port}/photo.jpg`],
    ['a metadata host name', () => 'http://metadata.google.internal/computeMetadata/v1/'],
    ['another scheme', () => 'file:///etc/passwd'],
  ])('refuses %s with source_forbidden', async (_label, url) => {
    await expect(refused(url())).rejects.toMatchObject({ code: 'source_forbidden' });
  });
});

describe('fetchUrl limits', () => {
  const policy = createAddressPolicy({ allow: ['127.0.0.1/32'] });

  it('gives up on a server that never answers within the connect/idle timeout', async () => {
    const started = Date.now();
    await expect(fetchUrl(`http://127.0.0.1:${port}/silent`, policy, LIMITS)).rejects.toMatchObject({ code: 'source_timeout' });
    expect(Date.now() - started).toBeLessThan(LIMITS.timeoutMs + 500);
  });

  it('refuses a declared Content-Length over the cap before reading, and caps redirects', async () => {
    await expect(fetchUrl(`http://127.0.0.1:${port}/big-declared`, policy, LIMITS)).rejects.toMatchObject({
      code: 'source_too_large',
    });
    await expect(fetchUrl(`http://127.0.0.1:${port}/loop`, policy, LIMITS)).rejects.toMatchObject({ code: 'source_failed' });
    await expect(fetchUrl(`http://127.0.0.1:${port}/missing`, policy, LIMITS)).rejects.toMatchObject({ code: 'source_failed' });
  });
});
