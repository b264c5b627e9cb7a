import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { IngestError } from '@ingestkit/contracts';
import { createLocalStore } from '../local-store';
import type { ObjectStore } from '../object-store';
import { guardedUpload } from './guarded-upload';

let root: string;
let store: ObjectStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'guarded-upload-'));
  store = createLocalStore({ root });
});
afterAll(() => rm(root, { recursive: true, force: true }));

const chunks = (data: Buffer, size = 16 * 1024) =>
  Readable.from(Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)));
const read = async (key: string) => Buffer.concat(await (await store.get(key)).toArray());

/** A sniff step that records what it saw and refuses bytes starting with `refuse`. */
function sniffer(refuse?: string) {
  const seen: number[] = [];
  const step = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen.push(chunk.length);
      if (refuse && seen.length === 1 && chunk.subarray(0, refuse.length).toString() === refuse) {
        done(new IngestError('unsupported_media_type', 'not an image'));
      } else done(null, chunk);
    },
  });
  return { step, seen };
}

it('stores the bytes unchanged and answers their count and SHA-256', async () => {
  const data = randomBytes(200_000);
  const sniff = sniffer();
  const result = await guardedUpload({
    body: chunks(data),
    limit: data.length,
    sniff: sniff.step,
    hash: {},
    store: (body) => store.put({ key: 'ok/original', body }),
  });
  expect(result).toEqual({
    stored: { bytes: data.length },
    bytes: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
  });
  expect((await read('ok/original')).equals(data)).toBe(true);
  expect(sniff.seen.reduce((sum, n) => sum + n, 0)).toBe(data.length);
});

it('refuses a byte past the limit before the sniff or the store see it, and leaves nothing', async () => {
  const sniff = sniffer();
  const upload = guardedUpload({
    body: chunks(randomBytes(100_001), 1000),
    limit: 100_000,
    sniff: sniff.step,
    hash: {},
    store: (body) => store.put({ key: 'big/original', body }),
  });
  await expect(upload).rejects.toMatchObject({ code: 'payload_too_large', details: { maxBytes: 100_000 } });
  expect(sniff.seen.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(100_000);
  expect(await store.head('big/original')).toBeNull();
});

it("answers the sniff's refusal (not the store's report of it) and stores nothing", async () => {
  const upload = guardedUpload({
    body: chunks(Buffer.concat([Buffer.from('%PDF-1.7'), randomBytes(50_000)])),
    limit: 1_000_000,
    sniff: sniffer('%PDF').step,
    hash: {},
    store: (body) => store.put({ key: 'pdf/original', body }),
  });
  await expect(upload).rejects.toMatchObject({ code: 'unsupported_media_type' });
  expect(await store.head('pdf/original')).toBeNull();
});

it('aborts from outside: every stream is destroyed and nothing is stored', async () => {
  const aborted = new AbortController();
  const body = new Readable({ read() {} });
  body.push(randomBytes(10_000));
  const upload = guardedUpload({
    body,
    limit: 1_000_000,
    hash: {},
    signal: aborted.signal,
    store: (guarded) => store.put({ key: 'cut/original', body: guarded }),
  });
  aborted.abort(new IngestError('upload_incomplete', 'the client went away'));
  await expect(upload).rejects.toBeDefined();
  expect(await store.head('cut/original')).toBeNull();
});
