// Proves testkit's S3 server answers ListParts (paged), AbortMultipartUpload and ListMultipartUploads as S3 does, as the AWS SDK's own commands parse them.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startS3, type TestS3 } from '../src/s3';

const Bucket = 'ingestkit-staging';
const MiB = 1024 * 1024;

let s3: TestS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startS3({ buckets: [Bucket] });
  client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: s3.credentials,
    forcePathStyle: true,
    maxAttempts: 1,
    // As the repository's own client (`createS3Client`): checksums only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

const md5 = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;
const create = async (Key: string) => {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'image/jpeg' }));
  expect(UploadId).toEqual(expect.any(String));
  return UploadId!;
};
const uploadPart = async (Key: string, UploadId: string, PartNumber: number, Body: Buffer) =>
  (await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body }))).ETag!;
const listParts = (Key: string, UploadId: string, page: { MaxParts?: number; PartNumberMarker?: string } = {}) =>
  client.send(new ListPartsCommand({ Bucket, Key, UploadId, ...page }));
const noSuchUpload = { name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } };

it('lists uploaded parts by number, paged by MaxParts and PartNumberMarker, with their ETags and sizes', async () => {
  const Key = `mp-${randomUUID()}/original`;
  const UploadId = await create(Key);
  const bodies = [randomBytes(300), randomBytes(100), randomBytes(200)];
  // Out of order on purpose: the listing is by part number.
  const etag3 = await uploadPart(Key, UploadId, 3, bodies[2]!);
  const etag1 = await uploadPart(Key, UploadId, 1, bodies[0]!);
  const etag2 = await uploadPart(Key, UploadId, 2, bodies[1]!);
  expect([etag1, etag2, etag3]).toEqual(bodies.map(md5));

  const first = await listParts(Key, UploadId, { MaxParts: 2 });
  expect(first).toMatchObject({ Bucket, Key, UploadId, MaxParts: 2, IsTruncated: true, NextPartNumberMarker: '2' });
  expect(first.Parts).toEqual([
    { PartNumber: 1, ETag: etag1, Size: 300, LastModified: expect.any(Date) },
    { PartNumber: 2, ETag: etag2, Size: 100, LastModified: expect.any(Date) },
  ]);
  const second = await listParts(Key, UploadId, { MaxParts: 2, PartNumberMarker: first.NextPartNumberMarker });
  expect(second).toMatchObject({ PartNumberMarker: '2', MaxParts: 2, IsTruncated: false, NextPartNumberMarker: '3' });
  expect(second.Parts).toEqual([{ PartNumber: 3, ETag: etag3, Size: 200, LastModified: expect.any(Date) }]);
  expect(second.Parts![0]!.LastModified!.getTime()).toBeGreaterThan(Date.now() - 60_000);

  // Without MaxParts: every part at once. A part uploaded again replaces the listed one.
  const replaced = randomBytes(50);
  expect(await uploadPart(Key, UploadId, 2, replaced)).toBe(md5(replaced));
  const all = await listParts(Key, UploadId);
  expect(all.IsTruncated).toBe(false);
  expect(all.Parts?.map((part) => [part.PartNumber, part.ETag, part.Size])).toEqual([
    [1, etag1, 300],
    [2, md5(replaced), 50],
    [3, etag3, 200],
  ]);
  await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
});

it('lists an upload without parts as empty, and a marker past the last part as an empty page', async () => {
  const Key = `mp-${randomUUID()}/original`;
  const UploadId = await create(Key);
  const empty = await listParts(Key, UploadId);
  expect(empty).toMatchObject({ IsTruncated: false });
  expect(empty.Parts ?? []).toEqual([]);
  await uploadPart(Key, UploadId, 1, randomBytes(10));
  const past = await listParts(Key, UploadId, { PartNumberMarker: '1' });
  expect(past).toMatchObject({ PartNumberMarker: '1', IsTruncated: false });
  expect(past.Parts ?? []).toEqual([]);
  await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
});

it('completes an upload from the parts it lists (as a resumed upload does), after which the id is gone', async () => {
  const Key = `mp-${randomUUID()}/original`;
  const UploadId = await create(Key);
  const first = randomBytes(5 * MiB); // every part but the last must be 5 MiB on S3 and MinIO
  const last = randomBytes(1234);
  await uploadPart(Key, UploadId, 1, first);
  await uploadPart(Key, UploadId, 2, last);
  const { Parts } = await listParts(Key, UploadId);
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket,
      Key,
      UploadId,
      MultipartUpload: { Parts: Parts!.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
    }),
  );
  const object = await client.send(new GetObjectCommand({ Bucket, Key }));
  expect(Buffer.from(await object.Body!.transformToByteArray()).equals(Buffer.concat([first, last]))).toBe(true);
  await expect(listParts(Key, UploadId)).rejects.toMatchObject(noSuchUpload);
});

it('aborts: 204, the parts are gone, and the id answers NoSuchUpload from then on', async () => {
  const Key = `mp-${randomUUID()}/original`;
  const UploadId = await create(Key);
  const etag = await uploadPart(Key, UploadId, 1, randomBytes(100));
  const aborted = await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
  expect(aborted.$metadata.httpStatusCode).toBe(204);

  await expect(listParts(Key, UploadId)).rejects.toMatchObject(noSuchUpload);
  await expect(client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))).rejects.toMatchObject(noSuchUpload);
  await expect(uploadPart(Key, UploadId, 2, randomBytes(10))).rejects.toMatchObject(noSuchUpload);
  await expect(
    client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag }] } }),
    ),
  ).rejects.toMatchObject(noSuchUpload);
  await expect(client.send(new HeadObjectCommand({ Bucket, Key }))).rejects.toMatchObject({ name: 'NotFound' });
  const { Uploads } = await client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: Key }));
  expect(Uploads ?? []).toEqual([]);
});

it('answers NoSuchUpload for an unknown upload id, and for an upload id used with another key', async () => {
  const Key = `mp-${randomUUID()}/original`;
  const UploadId = await create(Key);
  const other = `mp-${randomUUID()}/original`;
  await expect(listParts(Key, 'A'.repeat(32))).rejects.toMatchObject(noSuchUpload);
  await expect(client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: 'A'.repeat(32) }))).rejects.toMatchObject(
    noSuchUpload,
  );
  await expect(listParts(other, UploadId)).rejects.toMatchObject(noSuchUpload);
  await expect(client.send(new AbortMultipartUploadCommand({ Bucket, Key: other, UploadId }))).rejects.toMatchObject(
    noSuchUpload,
  );
  await expect(uploadPart(other, UploadId, 1, randomBytes(10))).rejects.toMatchObject(noSuchUpload);
  // The upload itself is untouched by those refusals.
  expect((await listParts(Key, UploadId)).Parts ?? []).toEqual([]);
  await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
});

it('lists open uploads under a prefix, paged by MaxUploads with NextKeyMarker and NextUploadIdMarker', async () => {
  const prefix = `mp-${randomUUID()}/`;
  const [a, b] = [`${prefix}a/original`, `${prefix}b/original`];
  const ids = { [a]: [await create(a), await create(a), await create(a)], [b]: [await create(b)] };
  const list = (page: { KeyMarker?: string; UploadIdMarker?: string } = {}) =>
    client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: prefix, MaxUploads: 2, ...page }));

  const first = await list();
  expect(first).toMatchObject({ Bucket, Prefix: prefix, MaxUploads: 2, IsTruncated: true, NextKeyMarker: a });
  expect(first.Uploads).toEqual([
    { Key: a, UploadId: expect.any(String), StorageClass: 'STANDARD', Initiated: expect.any(Date) },
    { Key: a, UploadId: first.NextUploadIdMarker, StorageClass: 'STANDARD', Initiated: expect.any(Date) },
  ]);
  // As an expiry sweep does (the tus S3 store's): abort what a page listed, then ask for the next page.
  for (const upload of first.Uploads!) {
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }));
  }
  const second = await list({ KeyMarker: first.NextKeyMarker, UploadIdMarker: first.NextUploadIdMarker });
  expect(second).toMatchObject({ KeyMarker: a, UploadIdMarker: first.NextUploadIdMarker, IsTruncated: false });
  expect(second.NextKeyMarker).toBeUndefined();
  expect(second.Uploads?.map((upload) => upload.Key)).toEqual([a, b]);
  const listed = [...first.Uploads!, ...second.Uploads!].map((upload) => upload.UploadId);
  expect(listed.sort()).toEqual([...ids[a]!, ...ids[b]!].sort());
  for (const upload of second.Uploads!) {
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }));
  }
  expect((await list()).Uploads ?? []).toEqual([]);
});

it('refuses a body in aws-chunked framing (the SDK default for streams) instead of storing the framing as data', async () => {
  const defaults = new S3Client({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials, forcePathStyle: true });
  const Key = `mp-${randomUUID()}/original`;
  // The SDK warns about the failed streamed request; the failure is what this test expects.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const body = randomBytes(1000);
    const streamed = new PutObjectCommand({ Bucket, Key, Body: Readable.from([body]), ContentLength: body.length });
    if (s3.kind === 's3rver') {
      await expect(defaults.send(streamed)).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    } else {
      await defaults.send(streamed);
    }
    // The same body with checksums only where required arrives intact.
    await client.send(new PutObjectCommand({ Bucket, Key, Body: Readable.from([body]), ContentLength: body.length }));
    const object = await client.send(new GetObjectCommand({ Bucket, Key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(body)).toBe(true);
  } finally {
    warn.mockRestore();
    defaults.destroy();
  }
});
