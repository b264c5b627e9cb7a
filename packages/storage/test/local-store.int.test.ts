// Proves the local-disk store keeps every ObjectStore promise, writes atomically (no partial file, no temp file left) and confines keys to its root.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createLocalStore, createObjectStore, type ObjectStore } from '../src';
import { describeObjectStoreConformance } from './object-store.conformance';

describeObjectStoreConformance('local', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ingestkit-local-store-'));
  return {
    store: createObjectStore({ driver: 'local', root }),
    teardown: () => rm(root, { recursive: true, force: true }),
  };
});

describe('local store specifics', () => {
  let root: string;
  let store: ObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ingestkit-local-store-'));
    store = createLocalStore({ root });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const tmpEntries = async () => (existsSync(path.join(root, '.tmp')) ? readdir(path.join(root, '.tmp')) : []);

  it('is kind local and gives the absolute path of the file under its root', async () => {
    expect(store.kind).toBe('local');
    await store.put({ key: 'a/b/c.jpg', body: Buffer.from('pixels') });
    const file = store.localPath('a/b/c.jpg');
    expect(file).toBe(path.join(root, 'a', 'b', 'c.jpg'));
    expect(await readFile(file!, 'utf8')).toBe('pixels');
  });

  it('leaves no temp file after a successful or a failed put', async () => {
    await store.put({ key: 'ok', body: Readable.from([Buffer.from('fine')]) });
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(4096));
        this.destroy(new Error('dropped'));
      },
    });
    await expect(store.put({ key: 'broken', body: failing })).rejects.toMatchObject({ code: 'storage_error' });
    expect(await tmpEntries()).toEqual([]);
    expect(await readdir(root)).toEqual(expect.arrayContaining(['ok']));
    expect(await readdir(root)).not.toContain('broken');
  });

  it('sweeps temp files a killed writer left, only once nothing has written to them for the given time', async () => {
    await store.put({ key: 'kept.jpg', body: Buffer.from('whole') });
    await writeFile(path.join(root, '.tmp', 'dead-writer'), 'half an upl');
    expect(await store.sweepAbandonedWrites!(60_000)).toBe(0);
    expect(await tmpEntries()).toEqual(['dead-writer']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await store.sweepAbandonedWrites!(20)).toBe(1);
    expect(await tmpEntries()).toEqual([]);
    expect(await readFile(store.localPath('kept.jpg')!, 'utf8')).toBe('whole');
  });

  it('hides the temp directory and files that are not valid keys from list', async () => {
    await store.put({ key: 'visible', body: Buffer.from('v') });
    await writeFile(path.join(root, '.tmp', 'in-flight'), 'half');
    await writeFile(path.join(root, '.DS_Store'), 'junk');
    expect((await store.list('')).map((o) => o.key)).toEqual(['visible']);
  });

  it('removes the directories that delete and deletePrefix leave empty', async () => {
    await store.put({ key: 'staging/x1/original', body: Buffer.from('o') });
    await store.put({ key: 'staging/x1/optimized/large.webp', body: Buffer.from('l') });
    await store.put({ key: 'staging/x2/original', body: Buffer.from('o') });
    await expect(store.deletePrefix('staging/x1/')).resolves.toBe(2);
    expect(existsSync(path.join(root, 'staging', 'x1'))).toBe(false);
    await store.delete('staging/x2/original');
    expect(existsSync(path.join(root, 'staging'))).toBe(false);
    expect(existsSync(root)).toBe(true);
  });

  it('rejects with conflict a key that is a folder of other objects, or under an object', async () => {
    await store.put({ key: 'a/b', body: Buffer.from('file') });
    await expect(store.put({ key: 'a/b/c', body: Buffer.from('x') })).rejects.toMatchObject({ code: 'conflict' });
    await store.put({ key: 'd/e/f', body: Buffer.from('x') });
    await expect(store.put({ key: 'd/e', body: Buffer.from('x') })).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.get('d/e')).rejects.toMatchObject({ code: 'not_found' }); // a folder is not an object
    expect(await store.head('d/e')).toBeNull();
    expect(await tmpEntries()).toEqual([]);
  });

  it('does not keep the content type', async () => {
    await store.put({ key: 'typed.png', body: Buffer.from('p'), contentType: 'image/png' });
    expect(await store.head('typed.png')).not.toHaveProperty('contentType');
  });

  it('creates its root on ping and fails ping with storage_error when the root cannot exist', async () => {
    const nested = createLocalStore({ root: path.join(root, 'not', 'yet') });
    await nested.ping();
    expect(existsSync(path.join(root, 'not', 'yet'))).toBe(true);

    await writeFile(path.join(root, 'a-file'), 'x');
    const impossible = createLocalStore({ root: path.join(root, 'a-file', 'below') });
    await expect(impossible.ping()).rejects.toMatchObject({ name: 'IngestError', code: 'storage_error' });
  });

  it('never touches files outside its root, even via an existing sibling directory', async () => {
    const sibling = `${root}-sibling`;
    await writeFile(sibling, 'secret');
    try {
      const name = path.basename(sibling);
      await expect(store.get(`../${name}`)).rejects.toMatchObject({ code: 'bad_request' });
      await expect(store.delete(`../${name}`)).rejects.toMatchObject({ code: 'bad_request' });
      expect(await readFile(sibling, 'utf8')).toBe('secret');
    } finally {
      await rm(sibling, { force: true });
    }
  });
});
