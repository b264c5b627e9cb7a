// A `{maxBytes: 1000000, maxFiles: 1}` upload token cannot make the tus endpoint store more than
// its cap: a lying Upload-Length, many creations, PATCHes past the length (declared and
// chunked), creation-with-upload past the length, and concurrent PATCHes. The staging on disk is
// sampled throughout the attack; its largest size stays within the cap (plus the upload record).
import { request } from 'node:http';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { startHostileStack, type HostileStack } from './harness/hostile-stack';

jest.setTimeout(60_000);

const CAP = 1_000_000;
/** The tus file store's record of an upload (`original.json`), beside its bytes. */
const RECORD_ALLOWANCE = 4_096;

let redis: TestRedis;
let stack: HostileStack;
let token: string;
let peak = 0;
let sampler: NodeJS.Timeout;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'tus');
  token = await stack.mintToken({ maxBytes: CAP, maxFiles: 1 });
  sampler = setInterval(() => {
    void stack.stagingBytes().then((bytes) => (peak = Math.max(peak, bytes)));
  }, 10);
});
afterAll(async () => {
  clearInterval(sampler);
  await stack?.stop();
  await redis?.stop();
});

const tusHeaders = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  'tus-resumable': '1.0.0',
  ...extra,
});
const create = (length: number, body?: Buffer) =>
  fetch(`${stack.url}/v1/tus`, {
    method: 'POST',
    headers: tusHeaders({
      'upload-length': String(length),
      ...(body ? { 'content-type': 'application/offset+octet-stream' } : {}),
    }),
    ...(body ? { body } : {}),
  });
const patch = (location: string, offset: number, body: Buffer) =>
  fetch(location, {
    method: 'PATCH',
    headers: tusHeaders({ 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
    body,
  }).catch(() => ({ status: 'reset' as const }));

/** A PATCH without Content-Length (chunked), sending `bytes` in 64 KiB writes, as long as the server reads. */
function chunkedPatch(location: string, offset: number, bytes: number): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const req = request(location, {
      method: 'PATCH',
      headers: tusHeaders({ 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
    });
    req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on('error', () => resolve('reset'));
    const chunk = Buffer.alloc(65_536, 7);
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('tus with a {maxBytes: 1000000, maxFiles: 1} token', () => {
  let location: string;
  beforeEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    peak = 0;
  });
  afterEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Never more than the cap in staging at any moment of the attack (sampled every 10 ms).
    expect(peak).toBeLessThanOrEqual(CAP + RECORD_ALLOWANCE);
  });

  it('refuses an Upload-Length over the cap before storing anything', async () => {
    const res = await create(50 * CAP);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await stack.stagingBytes()).toBe(0);
  });

  it('stores no byte of a creation-with-upload past its length', async () => {
    const res = await create(CAP, Buffer.alloc(3 * CAP, 1));
    expect([201, 413]).toContain(res.status);
    location = res.headers.get('location')!;
    expect(Number(res.headers.get('upload-offset') ?? 0)).toBeLessThanOrEqual(CAP);
    expect(await stack.stagingBytes()).toBeLessThanOrEqual(CAP + RECORD_ALLOWANCE);
  });

  it('creates no second upload (maxFiles: 1), however many are asked for', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, () => create(CAP).then((res) => res.status)));
    expect(statuses.every((status) => status === 403)).toBe(true);
  });

  it('stores nothing past the length: PATCHes past it, chunked and declared, and concurrent', async () => {
    token = await stack.mintToken({ maxBytes: CAP, maxFiles: 1 });
    const created = await create(CAP);
    expect(created.status).toBe(201);
    location = created.headers.get('location')!;
    const results = await Promise.all([
      patch(location, 0, Buffer.alloc(3 * CAP, 2)),
      patch(location, 0, Buffer.alloc(CAP, 3)),
      chunkedPatch(location, 0, 5 * CAP),
      chunkedPatch(location, 0, 5 * CAP),
      patch(location, CAP / 2, Buffer.alloc(CAP, 4)),
    ]);
    expect(results.length).toBe(5);
    expect(peak).toBeGreaterThan(0); // the sampler saw the bytes that were written
    const head = await fetch(location, { method: 'HEAD', headers: tusHeaders() });
    if (head.status === 200) expect(Number(head.headers.get('upload-offset'))).toBeLessThanOrEqual(CAP);
    expect(await stack.stagingBytes()).toBeLessThanOrEqual(CAP + RECORD_ALLOWANCE);
  });

  it('keeps serving honest uploads', async () => {
    expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
  });
});
