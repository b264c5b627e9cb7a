// Purges caused by uploads count against the API key behind them (its tokens included): past the key's hourly allowance an overwrite still delivers a new versioned URL and its purge waits, the monthly share reserved for POST /v1/purge stays spendable; and an ImageKit overwrite is judged by content hash, never by size and dimensions.
import { createHash } from 'node:crypto';
import { purgeIdFrom } from '@ingestkit/contracts';
import { createImageKitClient } from '@ingestkit/imagekit';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { API_KEYS } from './harness/hostile-stack';
import { startImageKitHostileStack, type ImageKitHostileStack } from './harness/imagekit-stack';

jest.setTimeout(300_000);

let redis: TestRedis;
let stack: ImageKitHostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startImageKitHostileStack(redis.url, 'ik-purges', {
    // 4 purges a month, 1 of them (25 %) kept for POST /v1/purge; 2 upload-caused purges per key per hour.
    PURGE_MONTHLY_BUDGET: '4',
    PURGE_API_RESERVED_PERCENT: '25',
    PURGE_UPLOAD_ALLOWANCE_PER_HOUR: '2',
    PURGE_HELD_RETRY_MS: '600000',
  });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface DeliveredAsset {
  id: string;
  status: string;
  output: { url: string; imagekit: { fileId: string; versionId: string; filePath: string } };
}

/** An overwriting upload through the pipeline, settled. */
async function overwrite(credential: string, folder: string, fileName: string, seed: number): Promise<DeliveredAsset> {
  const form = new FormData();
  form.set('folder', folder);
  form.set('fileName', fileName);
  form.set('overwrite', 'true');
  form.set('file', new Blob([await makeJpeg({ width: 80, height: 60, seed })], { type: 'image/jpeg' }), fileName);
  const res = await fetch(`${stack.url}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credential}` },
    body: form,
  });
  expect(res.status).toBe(202);
  const { asset } = (await res.json()) as { asset: { id: string } };
  return (await stack.settled(asset.id)) as unknown as DeliveredAsset;
}

/** The purge's status once the purge service planned it (anything but `queued`). */
async function plannedStatus(purgeId: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${stack.url}/v1/purge/${purgeId}`, { headers: stack.apiKey() });
    const status = res.status === 200 ? ((await res.json()) as { purge: { status: string } }).purge.status : 'missing';
    if (!['queued', 'missing', 'submitted'].includes(status) || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Allowances count per UTC hour: a test that crossed an hour would find its key's count reset
 * halfway (a purge expected held completes). Starts it at least `marginMs` before the next hour.
 */
async function wellInsideAnHour(marginMs = 150_000): Promise<void> {
  const untilNextHour = 3_600_000 - (Date.now() % 3_600_000);
  if (untilNextHour < marginMs) await new Promise((resolve) => setTimeout(resolve, untilNextHour + 1_000));
}

/** The purge an overwrite asked for: the superseded version's plain URL. */
const supersededPurgeId = (previous: DeliveredAsset) =>
  purgeIdFrom(`${previous.output.imagekit.fileId} ${previous.output.imagekit.versionId}`);

describe('the purge allowance', () => {
  it("holds a token's purges past its key's hourly allowance, delivers anyway, and keeps the API's reserved share", async () => {
    await wellInsideAnHour();
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 10, folder: 'shop', overwrite: true });
    // Three files overwritten once each: three supersessions of three different URLs (a purge of
    // a URL whose purge is still in flight rides along with it and costs nothing).
    const versions: DeliveredAsset[] = [];
    const uploads = [
      ['hero-a.jpg', 1],
      ['hero-a.jpg', 2],
      ['hero-b.jpg', 3],
      ['hero-b.jpg', 4],
      ['hero-c.jpg', 9],
      ['hero-c.jpg', 10],
    ] as const;
    for (const [name, seed] of uploads) versions.push(await overwrite(token, 'shop', name, seed));
    // Every overwrite delivered, each with its own versioned URL.
    expect(versions.map((asset) => asset.status)).toEqual(Array(6).fill('ready'));
    expect(new Set(versions.map((asset) => asset.output.url)).size).toBe(6);
    for (const url of versions.map((asset) => asset.output.url)) expect(url).toContain('updatedAt=');

    // Three supersessions: the key's allowance (2) pays for two, the third waits.
    const statuses = [];
    for (const previous of [versions[0]!, versions[2]!, versions[4]!])
      statuses.push(await plannedStatus(supersededPurgeId(previous)));
    expect(statuses).toEqual(['completed', 'completed', 'held']);

    // The other key's uploads spend what is left of the upload share (3 of 4), then wait too.
    // Two different files, so the second purge is of another URL: a purge of the same URL while
    // the first is still in flight would ride along with it and cost nothing.
    const other: DeliveredAsset[] = [];
    for (const [name, seed] of [
      ['a.jpg', 5],
      ['a.jpg', 6],
      ['b.jpg', 7],
      ['b.jpg', 8],
    ] as const) {
      other.push(await overwrite(API_KEYS[1], 'shop', name, seed));
    }
    expect(other.map((asset) => asset.status)).toEqual(['ready', 'ready', 'ready', 'ready']);
    expect(await plannedStatus(supersededPurgeId(other[0]!))).toBe('completed');
    expect(await plannedStatus(supersededPurgeId(other[2]!))).toBe('held');

    // POST /v1/purge with an API key still purges, from the reserved share.
    const res = await fetch(`${stack.url}/v1/purge`, {
      method: 'POST',
      headers: { ...stack.apiKey(), 'content-type': 'application/json' },
      body: JSON.stringify({ urls: [`${stack.emulator.urlEndpoint}/shop/banner.jpg`] }),
    });
    expect(res.status).toBe(202);
    const { purge } = (await res.json()) as { purge: { id: string } };
    expect(await plannedStatus(purge.id)).toBe('completed');
    expect(stack.emulator.purges()).toHaveLength(4);
  });
});

describe('an ImageKit overwrite with the same size and dimensions', () => {
  it('is delivered as a new version when the bytes differ', async () => {
    const first = await overwrite(stack.apiKey().authorization.slice('Bearer '.length), 'same', 'tile.jpg', 11);
    expect(first.status).toBe('ready');
    const file = stack.emulator.files().find((entry) => entry.filePath === '/same/tile.jpg')!;
    const delivered = file.versions.find((version) => version.versionId === file.currentVersionId)!.bytes;

    // The file at the path is replaced (outside the pipeline) by other pixels of exactly the same size and dimensions.
    const tampered = Buffer.from(delivered);
    for (let index = Math.floor(tampered.length / 2); index < tampered.length / 2 + 16; index += 1) tampered[index]! ^= 0x5a;
    const client = createImageKitClient({
      privateKey: stack.env.IMAGEKIT_PRIVATE_KEY!,
      publicKey: stack.env.IMAGEKIT_PUBLIC_KEY!,
      urlEndpoint: stack.env.IMAGEKIT_URL_ENDPOINT!,
      baseURL: stack.env.IMAGEKIT_BASE_URL!,
    });
    const other = await client.upload({ file: tampered, fileName: 'tile.jpg', folder: '/same', useUniqueFileName: false });
    expect(other.size).toBe(delivered.length);

    // The same image through the pipeline again: its output is the first one's, not what is at the path now.
    const again = await overwrite(stack.apiKey().authorization.slice('Bearer '.length), 'same', 'tile.jpg', 11);
    expect(again.status).toBe('ready');
    expect(again.output.imagekit.versionId).not.toBe(other.versionId);
    const current = stack.emulator.files().find((entry) => entry.filePath === '/same/tile.jpg')!;
    expect(current.currentVersionId).toBe(again.output.imagekit.versionId);
    const currentBytes = current.versions.find((version) => version.versionId === current.currentVersionId)!.bytes;
    expect(sha256(currentBytes)).toBe(sha256(delivered));
  });
});
