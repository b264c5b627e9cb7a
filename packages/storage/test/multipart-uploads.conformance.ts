import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MultipartUploads, ObjectStore, SignedPart } from '../src';

/** What each driver's test hands the suite. */
export interface MultipartSetup {
  uploads: MultipartUploads;
  /** The store the uploads write to (to check the assembled object). */
  store: ObjectStore;
  /**
   * Whether completing with a part the store never received fails in the store itself: S3, MinIO
   * and the local store answer an error; s3rver assembles what it has (testkit does not emulate
   * S3's InvalidPart), so the gateway's own checks (the session's part list) stand in for it.
   */
  refusesUnknownParts: boolean;
  /** Sends one part to its signed URL as a client would; answers the ETag header. */
  sendPart(signed: SignedPart, body: Buffer): Promise<string>;
  teardown(): Promise<void>;
}

/** The behaviour every `MultipartUploads` adapter promises, run once per adapter. */
export function describeMultipartConformance(name: string, setup: () => Promise<MultipartSetup>): void {
  describe(`MultipartUploads conformance: ${name}`, () => {
    let s: MultipartSetup;
    let key: string;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      await s?.teardown();
    });
    beforeEach(() => {
      key = `mp-${randomUUID()}/original`;
    });

    const upload = async (ref: { key: string; uploadId: string }, partNumber: number, body: Buffer) => {
      const signed = await s.uploads.signPart({ ...ref, partNumber, expiresInSeconds: 60, maxBytes: 16 * 1024 * 1024 });
      expect(signed.expiresAt.getTime()).toBeGreaterThan(Date.now());
      return s.sendPart(signed, body);
    };

    it('assembles parts in order into the key, with S3-style ETags', async () => {
      const ref = await s.uploads.create({ key, contentType: 'image/png' });
      expect(ref).toEqual({ key, uploadId: expect.any(String) });
      const first = randomBytes(5 * 1024 * 1024);
      const second = randomBytes(1234);
      // Out of order on purpose: the order comes from the part numbers.
      const etag2 = await upload(ref, 2, second);
      const etag1 = await upload(ref, 1, first);
      expect(etag1.replace(/"/g, '')).toBe(createHash('md5').update(first).digest('hex'));
      expect(await s.uploads.listParts(ref)).toEqual([
        { partNumber: 1, etag: etag1, bytes: first.length },
        { partNumber: 2, etag: etag2, bytes: second.length },
      ]);
      expect(await s.store.head(key)).toBeNull();
      await s.uploads.complete({
        ...ref,
        parts: [
          { partNumber: 1, etag: etag1 },
          { partNumber: 2, etag: etag2 },
        ],
      });
      // (Buffer.equals: jest's toEqual walks a 5 MiB buffer byte by byte)
      expect((await readAll(await s.store.get(key))).equals(Buffer.concat([first, second]))).toBe(true);
    });

    it('refuses an unknown upload id, or an upload id used with another key, as not_found', async () => {
      const ref = await s.uploads.create({ key, contentType: 'image/png' });
      const etag = await upload(ref, 1, randomBytes(100));
      const otherKey = { key: 'other/original', uploadId: ref.uploadId };
      const unknownId = { key, uploadId: 'A'.repeat(24) };
      for (const wrong of [otherKey, unknownId]) {
        await expect(s.uploads.complete({ ...wrong, parts: [{ partNumber: 1, etag }] })).rejects.toMatchObject({
          code: 'not_found',
        });
        await expect(s.uploads.listParts(wrong)).rejects.toMatchObject({ code: 'not_found' });
      }
      // The refusals leave the upload itself as it was.
      expect(await s.uploads.listParts(ref)).toEqual([{ partNumber: 1, etag, bytes: 100 }]);
    });

    it('aborts: nothing is left, and aborting again succeeds', async () => {
      const ref = await s.uploads.create({ key, contentType: 'image/png' });
      await upload(ref, 1, randomBytes(100));
      await s.uploads.abort(ref);
      await s.uploads.abort(ref);
      await expect(s.uploads.listParts(ref)).rejects.toMatchObject({ code: 'not_found' });
      expect(await s.store.head(key)).toBeNull();
    });

    it('refuses duplicate, out-of-order and never uploaded parts before joining anything', async () => {
      const ref = await s.uploads.create({ key, contentType: 'image/png' });
      const etag1 = await upload(ref, 1, randomBytes(100));
      const etag2 = await upload(ref, 2, randomBytes(100));
      const complete = (parts: Array<{ partNumber: number; etag: string }>) => s.uploads.complete({ ...ref, parts });
      await expect(
        complete([
          { partNumber: 1, etag: etag1 },
          { partNumber: 1, etag: etag1 },
        ]),
      ).rejects.toMatchObject({ code: 'bad_request', details: { partNumber: 1 } });
      await expect(
        complete([
          { partNumber: 2, etag: etag2 },
          { partNumber: 1, etag: etag1 },
        ]),
      ).rejects.toMatchObject({ code: 'bad_request', details: { partNumber: 1 } });
      if (s.refusesUnknownParts) {
        await expect(complete([{ partNumber: 3, etag: etag1 }])).rejects.toMatchObject({ code: expect.any(String) });
      }
      expect(await s.store.head(key)).toBeNull();
    });

    it('refuses an invalid key before any I/O', async () => {
      await expect(s.uploads.create({ key: '../etc/passwd', contentType: 'image/png' })).rejects.toMatchObject({
        code: 'bad_request',
      });
    });
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
