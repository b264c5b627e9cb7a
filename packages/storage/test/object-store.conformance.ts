import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { IngestError } from '@ingestkit/contracts';
import type { ObjectStore } from '../src';

const MiB = 1024 * 1024;

/** What each driver's test file hands the suite. */
export interface ConformanceSetup {
  store: ObjectStore;
  teardown(): Promise<void>;
}

/**
 * The behaviour every `ObjectStore` driver promises, run once per driver (as BullMQ re-runs its
 * suite per Redis client). Each test works under its own random prefix, so tests never see
 * each other's objects. Driver-specific promises (temp files, content types, localPath) are
 * tested in the driver's own file.
 */
export function describeObjectStoreConformance(name: string, setup: () => Promise<ConformanceSetup>): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    let store: ObjectStore;
    let teardown: () => Promise<void>;
    let base: string;

    beforeAll(async () => {
      ({ store, teardown } = await setup());
    });
    afterAll(async () => {
      await teardown?.();
    });
    beforeEach(() => {
      base = `conf-${randomUUID()}`;
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('round-trips put, head, get, list and delete', async () => {
      const key = `${base}/a/photo.jpg`;
      const body = randomBytes(3000);
      await expect(store.put({ key, body, contentType: 'image/jpeg' })).resolves.toEqual({ bytes: 3000 });

      const info = await store.head(key);
      expect(info).toMatchObject({ key, bytes: 3000 });
      // (not toBeInstanceOf: fs hands out Dates of Node's realm, not the test's)
      expect(Object.prototype.toString.call(info?.lastModified)).toBe('[object Date]');
      expect(Math.abs(Date.now() - info!.lastModified!.getTime())).toBeLessThan(60_000);
      expect(await readAll(await store.get(key))).toEqual(body);
      expect(await store.list(`${base}/`)).toEqual([expect.objectContaining({ key, bytes: 3000 })]);

      await store.delete(key);
      expect(await store.head(key)).toBeNull();
      await expectCode(store.get(key), 'not_found');
      expect(await store.list(`${base}/`)).toEqual([]);
    });

    it('stores an empty object', async () => {
      const key = `${base}/empty`;
      await expect(store.put({ key, body: Buffer.alloc(0) })).resolves.toEqual({ bytes: 0 });
      expect(await store.head(key)).toMatchObject({ key, bytes: 0 });
      expect(await readAll(await store.get(key))).toHaveLength(0);
    });

    it('overwrites an existing object', async () => {
      const key = `${base}/same`;
      await store.put({ key, body: Buffer.from('first version, the longer one') });
      await expect(store.put({ key, body: Readable.from([Buffer.from('second')]) })).resolves.toEqual({ bytes: 6 });
      expect((await readAll(await store.get(key))).toString()).toBe('second');
      expect(await store.head(key)).toMatchObject({ bytes: 6 });
      expect(await store.list(`${base}/`)).toHaveLength(1);
    });

    it('reads byte ranges with an inclusive end', async () => {
      const key = `${base}/ranged`;
      const body = Buffer.from('0123456789abcdef');
      await store.put({ key, body });
      const read = async (range: { start: number; end?: number }) => (await readAll(await store.get(key, range))).toString();
      expect(await read({ start: 2, end: 5 })).toBe('2345');
      expect(await read({ start: 10 })).toBe('abcdef');
      expect(await read({ start: 15, end: 15 })).toBe('f');
      expect(await read({ start: 12, end: 1000 })).toBe('cdef'); // end clamped to the last byte
      await expectCode(store.get(key, { start: 16 }), 'bad_request'); // starts past the end
      await expectCode(store.get(key, { start: -1 }), 'bad_request');
      await expectCode(store.get(key, { start: 5, end: 4 }), 'bad_request');
      await expectCode(store.get(`${base}/absent`, { start: 0, end: 3 }), 'not_found');
    });

    it('reports absent objects: get not_found, head null, delete is idempotent', async () => {
      const key = `${base}/never-written`;
      await expectCode(store.get(key), 'not_found');
      expect(await store.head(key)).toBeNull();
      await expect(store.delete(key)).resolves.toBeUndefined();
      await store.put({ key, body: Buffer.from('x') });
      await store.delete(key);
      await expect(store.delete(key)).resolves.toBeUndefined();
      expect(await store.head(key)).toBeNull();
    });

    it('lists by plain string prefix, recursively and sorted', async () => {
      const keys = [`${base}/p/b/3`, `${base}/p/a/2`, `${base}/p/ab`, `${base}/p/a/1`, `${base}/q/1`];
      for (const [i, key] of keys.entries()) await store.put({ key, body: Buffer.alloc(i + 1, 'z') });

      expect((await store.list(`${base}/p/a/`)).map((o) => o.key)).toEqual([`${base}/p/a/1`, `${base}/p/a/2`]);
      expect((await store.list(`${base}/p/a`)).map((o) => o.key)).toEqual([`${base}/p/a/1`, `${base}/p/a/2`, `${base}/p/ab`]);
      expect(await store.list(`${base}/p/`)).toEqual([
        expect.objectContaining({ key: `${base}/p/a/1`, bytes: 4 }),
        expect.objectContaining({ key: `${base}/p/a/2`, bytes: 2 }),
        expect.objectContaining({ key: `${base}/p/ab`, bytes: 3 }),
        expect.objectContaining({ key: `${base}/p/b/3`, bytes: 1 }),
      ]);
      expect(await store.list(`${base}/nothing/`)).toEqual([]);
      const everything = (await store.list('')).map((o) => o.key);
      expect(everything).toEqual(expect.arrayContaining(keys));
    });

    it('deletes by prefix and says how many', async () => {
      const keys = [`${base}/p/a/1`, `${base}/p/a/2`, `${base}/p/a/deep/3`, `${base}/p/ab`, `${base}/p/b/4`];
      for (const key of keys) await store.put({ key, body: Buffer.from(key) });

      await expect(store.deletePrefix(`${base}/p/a/`)).resolves.toBe(3);
      expect((await store.list(`${base}/`)).map((o) => o.key)).toEqual([`${base}/p/ab`, `${base}/p/b/4`]);
      await expect(store.deletePrefix(`${base}/p/a/`)).resolves.toBe(0);
      await expect(store.deletePrefix(`${base}/`)).resolves.toBe(2);
      expect(await store.list(`${base}/`)).toEqual([]);
      await expectCode(store.deletePrefix(''), 'bad_request');
    });

    it('streams a multi-MiB body (larger than one S3 part) without changing a byte', async () => {
      const key = `${base}/big.bin`;
      const size = 12 * MiB + 12345; // > 8 MiB part size: the S3 store goes multipart
      const generated = generateStream(size);
      await expect(store.put({ key, body: generated.stream })).resolves.toEqual({ bytes: size });
      expect(await store.head(key)).toMatchObject({ bytes: size });
      expect(await sha256(await store.get(key))).toBe(generated.sha256());
      expect(await sha256(await store.get(key, { start: 9 * MiB, end: 9 * MiB + 99 }))).toBe(
        generated.sha256Of(9 * MiB, 9 * MiB + 100),
      );
    });

    it.each([
      ['errors after 1 MiB (single-part upload)', 1 * MiB],
      ['errors after 9 MiB (after the first S3 part)', 9 * MiB],
    ])('put rejects and leaves nothing at the key when the body %s', async (_when, failAfter) => {
      const key = `${base}/broken.bin`;
      const body = failingStream(failAfter, new Error('client went away'));
      const err = await rejection(store.put({ key, body }));
      expect(err).toMatchObject({ name: 'IngestError' });
      expect(body.destroyed).toBe(true);
      expect(await store.head(key)).toBeNull();
      await expectCode(store.get(key), 'not_found');
      expect(await store.list(`${base}/`)).toEqual([]);
    });

    it('keeps the previous object when an overwrite fails mid-way', async () => {
      const key = `${base}/kept`;
      await store.put({ key, body: Buffer.from('old and whole') });
      await rejection(store.put({ key, body: failingStream(64 * 1024, new Error('boom')) }));
      expect((await readAll(await store.get(key))).toString()).toBe('old and whole');
    });

    it('rejects when the body is destroyed without an error', async () => {
      const key = `${base}/destroyed`;
      const body = new Readable({ read() {} });
      body.push(Buffer.alloc(1000));
      setTimeout(() => body.destroy(), 20);
      await rejection(store.put({ key, body }));
      expect(await store.head(key)).toBeNull();
    });

    it("passes the body's own IngestError through unchanged", async () => {
      const tooLarge = new IngestError('payload_too_large', 'upload exceeds the 1 KiB limit');
      await expectCode(store.put({ key: `${base}/limited`, body: failingStream(2048, tooLarge) }), 'payload_too_large');
      expect(await store.head(`${base}/limited`)).toBeNull();
    });

    it.each([
      ['parent segment', '../escape'],
      ['absolute', '/abs'],
      ['empty segment', 'a//b'],
      ['temp dir', '.tmp/x'],
      ['traversal', 'x/../../etc/passwd'],
      ['space', 'a b'],
      ['empty', ''],
      ['1025 characters', 'k'.repeat(1025)],
    ])('rejects an invalid key (%s) with bad_request in every method', async (_why, key) => {
      await expectCode(store.put({ key, body: Buffer.from('x') }), 'bad_request');
      await expectCode(store.get(key), 'bad_request');
      await expectCode(store.head(key), 'bad_request');
      await expectCode(store.delete(key), 'bad_request');
      expect(() => store.localPath(key)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    });

    it.each(['../', '/x/', '.tmp/'])('rejects the invalid prefix %j in list and deletePrefix', async (prefix) => {
      await expectCode(store.list(prefix), 'bad_request');
      await expectCode(store.deletePrefix(prefix), 'bad_request');
    });

    it('accepts the longest valid key', async () => {
      const key = [base, ...Array.from({ length: 4 }, () => 's'.repeat(200))].join('/');
      const longest = key + '/' + 'e'.repeat(1024 - key.length - 1);
      expect(longest).toHaveLength(1024);
      await store.put({ key: longest, body: Buffer.from('deep') });
      expect((await readAll(await store.get(longest))).toString()).toBe('deep');
      expect((await store.list(`${base}/`)).map((o) => o.key)).toEqual([longest]);
    });
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  expect(await rejection(promise)).toMatchObject({ name: 'IngestError', code });
}

/**
 * A stream of `size` random bytes in 64 KiB chunks; the bytes are kept so their hash (or a
 * slice's) can be compared with what the store returns.
 */
function generateStream(size: number) {
  const content = randomBytes(size);
  let offset = 0;
  const stream = new Readable({
    read() {
      const end = Math.min(offset + 64 * 1024, size);
      this.push(end > offset ? content.subarray(offset, end) : null);
      offset = end;
    },
  });
  const digest = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
  return {
    stream,
    sha256: () => digest(content),
    sha256Of: (start: number, end: number) => digest(content.subarray(start, end)),
  };
}

/** Yields `failAfter` bytes, then errors with `error`, like a client connection that drops. */
function failingStream(failAfter: number, error: Error): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= failAfter) {
        this.destroy(error);
        return;
      }
      const n = Math.min(64 * 1024, failAfter - sent);
      sent += n;
      this.push(Buffer.alloc(n, 1));
    },
  });
}
