// Proves the local store on a real full or read-only disk (a tiny tmpfs): clear retryable codes, no partial object or temp file, the previous version intact, ping reporting it, and recovery once the disk is back.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mountTmpfs, type TestTmpfs } from '@ingestkit/testkit';
import { createLocalStore, type ObjectStore } from '../src';

let disk: TestTmpfs;
let store: ObjectStore;

beforeAll(async () => {
  disk = await mountTmpfs({ sizeBytes: 2 * 1024 * 1024 });
  store = createLocalStore({ root: disk.dir });
});
afterEach(async () => {
  await disk.remountWritable();
  await disk.drain();
  for (const entry of await readdir(disk.dir)) await rm(path.join(disk.dir, entry), { recursive: true, force: true });
});
afterAll(async () => {
  await disk?.unmount();
});

const tmpEntries = async () => (existsSync(path.join(disk.dir, '.tmp')) ? readdir(path.join(disk.dir, '.tmp')) : []);

/** A body (default 4 MiB, twice the disk) in 16 KiB chunks that counts how many bytes the store pulled from it. */
function countedBody(bytes = 4 * 1024 * 1024): { body: Readable; pulled: () => number } {
  let pulled = 0;
  const chunk = Buffer.alloc(16 * 1024, 7);
  const body = new Readable({
    read() {
      if (pulled >= bytes) return void this.push(null);
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { body, pulled: () => pulled };
}

const readText = async (key: string) => {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

it('fails a write that runs out of space mid-way with storage_full, leaving neither a partial object nor a temp file, and the previous version intact', async () => {
  await store.put({ key: 'staging/a/original', body: Buffer.from('version 1') });
  await disk.fill({ leaveFreeBytes: 256 * 1024 });
  const { body, pulled } = countedBody();

  const err = await store.put({ key: 'staging/a/original', body }).catch((e: unknown) => e);

  expect(err).toMatchObject({ name: 'IngestError', code: 'storage_full', status: 507, retryable: true });
  expect(err).toMatchObject({ details: { key: 'staging/a/original', errno: 'ENOSPC', retryAfterSeconds: 60 } });
  // It really failed mid-way: part of the body was written before the disk said no.
  expect(pulled()).toBeGreaterThan(128 * 1024);
  expect(pulled()).toBeLessThan(4 * 1024 * 1024);
  expect(await tmpEntries()).toEqual([]);
  expect(await readText('staging/a/original')).toBe('version 1');
  expect((await store.list('')).map((o) => o.key)).toEqual(['staging/a/original']);
});

it('fails a new key on a full disk without leaving it behind, and stores it once space is back', async () => {
  await disk.fill();
  await expect(store.put({ key: 'staging/b/original', body: Buffer.alloc(64 * 1024) })).rejects.toMatchObject({
    code: 'storage_full',
  });
  expect(await store.head('staging/b/original')).toBeNull();
  expect(await tmpEntries()).toEqual([]);

  await disk.drain();
  await expect(store.put({ key: 'staging/b/original', body: Buffer.alloc(64 * 1024) })).resolves.toEqual({ bytes: 65536 });
});

it('fails whoever feeds a streamed body with the same storage_full error, not a bare premature close', async () => {
  await disk.fill();
  const upstream = countedBody().body;
  const body = new PassThrough();
  const [piped, put] = await Promise.allSettled([pipeline(upstream, body), store.put({ key: 'staging/c/original', body })]);
  expect(put).toMatchObject({ status: 'rejected', reason: { code: 'storage_full' } });
  expect(piped).toMatchObject({ status: 'rejected', reason: { code: 'storage_full' } });
});

it('reports a full disk from ping, and recovers when space is freed', async () => {
  await disk.fill();
  await expect(store.ping()).rejects.toMatchObject({ name: 'IngestError', code: 'storage_full' });
  expect(await tmpEntries()).toEqual([]);
  await disk.drain();
  await expect(store.ping()).resolves.toBeUndefined();
});

it('refuses writes on a read-only disk with storage_read_only (503), keeps serving reads, and recovers when remounted', async () => {
  await store.put({ key: 'staging/d/original', body: Buffer.from('kept') });
  await disk.remountReadOnly();

  const err = await store.put({ key: 'staging/e/original', body: countedBody().body }).catch((e: unknown) => e);
  expect(err).toMatchObject({ name: 'IngestError', code: 'storage_read_only', status: 503, retryable: true });
  expect(err).toMatchObject({ details: { errno: 'EROFS', retryAfterSeconds: 60 } });
  await expect(store.put({ key: 'staging/d/original', body: Buffer.from('new') })).rejects.toMatchObject({
    code: 'storage_read_only',
  });
  await expect(store.delete('staging/d/original')).rejects.toMatchObject({ code: 'storage_read_only' });
  await expect(store.ping()).rejects.toMatchObject({ code: 'storage_read_only' });
  expect(await readText('staging/d/original')).toBe('kept');
  expect(await readFile(store.localPath('staging/d/original')!, 'utf8')).toBe('kept');

  await disk.remountWritable();
  await store.ping();
  await store.put({ key: 'staging/e/original', body: Buffer.from('stored') });
  expect(await readText('staging/e/original')).toBe('stored');
  expect(await tmpEntries()).toEqual([]);
});

it('names a read-only disk even where the store has yet to create a directory (Node reports ENOENT there)', async () => {
  await disk.remountReadOnly();
  const fresh = createLocalStore({ root: path.join(disk.dir, 'not', 'created') });
  await expect(fresh.put({ key: 'staging/f/original', body: Buffer.from('x') })).rejects.toMatchObject({
    code: 'storage_read_only',
    details: { errno: 'EROFS' },
  });
  await expect(fresh.ping()).rejects.toMatchObject({ code: 'storage_read_only' });
  await disk.remountWritable();
  await fresh.put({ key: 'staging/f/original', body: Buffer.from('x') });
  expect(await fresh.head('staging/f/original')).toMatchObject({ bytes: 1 });
});

it('refuses to delete or replace an immutable file with storage_read_only instead of reporting a delete that did not happen', async () => {
  await store.put({ key: 'staging/g/original', body: Buffer.from('pinned') });
  await disk.setImmutable('staging/g/original', true);
  try {
    await expect(store.delete('staging/g/original')).rejects.toMatchObject({
      code: 'storage_read_only',
      details: { errno: 'EPERM' },
    });
    await expect(store.deletePrefix('staging/g/')).rejects.toMatchObject({ code: 'storage_read_only' });
    await expect(store.put({ key: 'staging/g/original', body: Buffer.from('new') })).rejects.toMatchObject({
      code: 'storage_read_only',
    });
    expect(await readText('staging/g/original')).toBe('pinned');
    expect(await tmpEntries()).toEqual([]);
  } finally {
    await disk.setImmutable('staging/g/original', false);
  }
  await store.delete('staging/g/original');
  expect(await store.head('staging/g/original')).toBeNull();
});
