import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The multipart calls s3rver 3.7.1 lacks, served over the parts it stores, so code that resumes
 * or cancels S3 multipart uploads (the tus S3 store, the Uppy list-parts and abort routes) runs
 * against it as against S3:
 *
 * - `ListParts` (`GET /<bucket>/<key>?uploadId=…`), paged by `max-parts` (default and ceiling
 *   1000) and `part-number-marker`, answering `IsTruncated` and `NextPartNumberMarker`.
 * - `AbortMultipartUpload` (`DELETE /<bucket>/<key>?uploadId=…`): removes the stored parts, `204`.
 * - `ListMultipartUploads` (`GET /<bucket>?uploads`): `prefix`, `max-uploads`, `key-marker` and
 *   `upload-id-marker` paging as S3 documents it (after the marker: later keys, and uploads of
 *   the marker's key with a greater upload id). Ordered by key, then by upload id (S3 orders one
 *   key's uploads by initiation time; random ids make that order arbitrary here).
 * - `UploadPart` and `CompleteMultipartUpload` on an unknown or aborted upload id, or with a key
 *   other than the one the upload was created for, fail `NoSuchUpload` (s3rver would store the
 *   part, or fail `InternalError`).
 * - A `PUT` whose body is in the SDK's `aws-chunked` framing fails `NotImplemented`: s3rver would
 *   store the framing as data. The SDK sends it for streamed bodies unless the client is created
 *   with `requestChecksumCalculation: 'WHEN_REQUIRED'` (as `createS3Client` does).
 *
 * The multipart calls answer `NoSuchUpload` (404) for an unknown upload id or a key that is not
 * the upload's, and `NoSuchBucket` for a missing bucket, in S3's XML. A part is listed once its
 * upload has finished (s3rver writes the part's MD5 last). Not emulated: `Initiator`/`Owner`
 * elements, `ListMultipartUploads`' `delimiter` (answered `NotImplemented`), checksums, and
 * Complete's part checks (S3's `InvalidPart`/`EntityTooSmall`; s3rver assembles what it has).
 *
 * Storage layout it reads (s3rver's `FilesystemStore`): `<bucket>/._S3rver_uploads/<uploadId>/`
 * holds `key`, `metadata`, and per part `<n>` (the bytes) and `<n>.md5` (hex digest).
 */
export function installS3rverMultipart(server: { middleware: Middleware[] }): void {
  // s3rver's constructor registers its router last; the emulation goes right before it, after the
  // XML encoder (it serialises plain-object bodies) and the virtual-host path rewrite.
  const router = server.middleware.at(-1);
  if (router?.name !== 'dispatch') throw new Error('s3rver: unexpected middleware layout; cannot add multipart calls');
  server.middleware.splice(-1, 0, multipartMiddleware);
}

/** The slice of s3rver's Koa context used here. */
interface Context {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  params: Record<string, string>;
  store: { getBucket(name: string): Promise<unknown>; getResourcePath(bucket: string, key: undefined, resource: string): string };
}
type Next = () => Promise<unknown>;
type Middleware = (ctx: Context, next: Next) => Promise<unknown>;
type S3ErrorConstructor = new (code: string, message: string, detail?: Record<string, string>) => Error;

// s3rver's own error type (its error handler renders it as S3's XML error) and CORS middleware,
// required on use like s3rver itself (see s3.ts), so MinIO runs never load them.
/* eslint-disable @typescript-eslint/no-require-imports */
const s3Error = (code: string, message: string, detail?: Record<string, string>): Error =>
  new (require('s3rver/lib/models/error') as S3ErrorConstructor)(code, message, detail);
const cors: Middleware = (ctx, next) => (require('s3rver/lib/middleware/cors') as () => Middleware)()(ctx, next);
/* eslint-enable @typescript-eslint/no-require-imports */

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const UPLOAD_HANDLERS: Partial<Record<string, typeof listParts>> = { GET: listParts, DELETE: abortUpload };
const MAX_LISTED = 1000;

async function multipartMiddleware(ctx: Context, next: Next): Promise<unknown> {
  if (ctx.method === 'PUT' && isAwsChunked(ctx.headers)) {
    throw s3Error(
      'NotImplemented',
      "s3rver stores aws-chunked bodies (the AWS SDK's default checksums on streamed bodies) undecoded, framing and all; " +
        "create the client with requestChecksumCalculation: 'WHEN_REQUIRED'",
    );
  }
  const [bucketSegment, ...keySegments] = ctx.path.slice(1).split('/');
  if (!bucketSegment) return next();
  const bucket = decodeURIComponent(bucketSegment);
  // `/<bucket>` and `/<bucket>/` both address the bucket.
  const key = keySegments.map(decodeURIComponent).join('/') || undefined;
  const uploadId = single(ctx.query.uploadId);
  if (key && uploadId !== undefined && !('uploads' in ctx.query)) {
    const handler = UPLOAD_HANDLERS[ctx.method];
    ctx.params = { ...ctx.params, bucket };
    if (handler) return cors(ctx, () => handler(ctx, bucket, key, uploadId));
    if (ctx.method === 'PUT' || ctx.method === 'POST') await findUpload(ctx, bucket, key, uploadId);
  } else if (key === undefined && ctx.method === 'GET' && 'uploads' in ctx.query) {
    ctx.params = { ...ctx.params, bucket };
    return cors(ctx, () => listUploads(ctx, bucket));
  }
  return next();
}

async function listParts(ctx: Context, bucket: string, key: string, uploadId: string): Promise<void> {
  const directory = await findUpload(ctx, bucket, key, uploadId);
  const maxParts = Math.min(integerParam(ctx, 'max-parts', MAX_LISTED), MAX_LISTED);
  const marker = integerParam(ctx, 'part-number-marker', 0);
  const names = new Set(await readdir(directory));
  const numbers = [...names]
    .filter((name) => /^\d+$/.test(name) && names.has(`${name}.md5`) && Number(name) > marker)
    .map(Number)
    .sort((a, b) => a - b);
  const page = numbers.slice(0, maxParts);
  const parts = await Promise.all(
    page.map(async (partNumber) => {
      const file = path.join(directory, String(partNumber));
      const [info, md5] = await Promise.all([stat(file), readFile(`${file}.md5`, 'utf8')]);
      return { PartNumber: partNumber, LastModified: info.mtime.toISOString(), ETag: JSON.stringify(md5), Size: info.size };
    }),
  );
  ctx.body = {
    ListPartsResult: {
      '@': { xmlns: XMLNS },
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      StorageClass: 'STANDARD',
      PartNumberMarker: marker,
      ...(page.length > 0 ? { NextPartNumberMarker: page.at(-1) } : {}),
      MaxParts: maxParts,
      IsTruncated: numbers.length > page.length,
      Part: parts,
    },
  };
}

async function abortUpload(ctx: Context, bucket: string, key: string, uploadId: string): Promise<void> {
  await rm(await findUpload(ctx, bucket, key, uploadId), { recursive: true, force: true });
  ctx.status = 204;
}

async function listUploads(ctx: Context, bucket: string): Promise<void> {
  if (ctx.query.delimiter !== undefined) {
    throw s3Error('NotImplemented', 'ListMultipartUploads with a delimiter is not emulated');
  }
  const root = await uploadsRoot(ctx, bucket);
  const prefix = single(ctx.query.prefix) ?? '';
  const keyMarker = single(ctx.query['key-marker']) ?? '';
  const uploadIdMarker = single(ctx.query['upload-id-marker']) ?? '';
  const maxUploads = Math.min(integerParam(ctx, 'max-uploads', MAX_LISTED), MAX_LISTED);
  const ids = await readdir(root).catch(ifMissing([] as string[]));
  const after = (
    await Promise.all(
      ids.map(async (id) => {
        const keyFile = path.join(root, id, 'key');
        // An upload completed or aborted meanwhile has no key file any more: not listed.
        const found = await Promise.all([readFile(keyFile, 'utf8'), stat(keyFile)]).catch(ifMissing(undefined));
        return found ? [{ key: found[0], uploadId: id, initiated: found[1].mtime }] : [];
      }),
    )
  )
    .flat()
    .filter((upload) => upload.key.startsWith(prefix))
    .filter(({ key, uploadId }) => key > keyMarker || (key === keyMarker && uploadIdMarker !== '' && uploadId > uploadIdMarker))
    .sort((a, b) => compare(a.key, b.key) || compare(a.uploadId, b.uploadId));
  const page = after.slice(0, maxUploads);
  const isTruncated = after.length > page.length;
  ctx.body = {
    ListMultipartUploadsResult: {
      '@': { xmlns: XMLNS },
      Bucket: bucket,
      KeyMarker: keyMarker,
      UploadIdMarker: uploadIdMarker,
      ...(isTruncated ? { NextKeyMarker: page.at(-1)!.key, NextUploadIdMarker: page.at(-1)!.uploadId } : {}),
      Prefix: prefix,
      MaxUploads: maxUploads,
      IsTruncated: isTruncated,
      Upload: page.map((upload) => ({
        Key: upload.key,
        UploadId: upload.uploadId,
        StorageClass: 'STANDARD',
        Initiated: upload.initiated.toISOString(),
      })),
    },
  };
}

/** The directory of an open upload of `key`, else `NoSuchUpload` (as S3 answers for another key's id too). */
async function findUpload(ctx: Context, bucket: string, key: string, uploadId: string): Promise<string> {
  const root = await uploadsRoot(ctx, bucket);
  const directory = path.join(root, uploadId);
  const storedKey =
    path.dirname(directory) === root
      ? await readFile(path.join(directory, 'key'), 'utf8').catch(ifMissing(undefined))
      : undefined;
  if (storedKey !== key) {
    throw s3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: uploadId },
    );
  }
  return directory;
}

async function uploadsRoot(ctx: Context, bucket: string): Promise<string> {
  if (!(await ctx.store.getBucket(bucket))) {
    throw s3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
  return ctx.store.getResourcePath(bucket, undefined, 'uploads');
}

function integerParam(ctx: Context, name: string, fallback: number): number {
  const raw = single(ctx.query[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw s3Error('InvalidArgument', `${name} must be a non-negative integer`, {
      ArgumentName: name,
      ArgumentValue: raw,
    });
  }
  return Number(raw);
}

/** A body in the SDK's `aws-chunked` framing (streamed with a signature or a trailing checksum). */
function isAwsChunked(headers: Context['headers']): boolean {
  const sha = single(headers['x-amz-content-sha256']) ?? '';
  return sha.startsWith('STREAMING-') || (single(headers['content-encoding']) ?? '').includes('aws-chunked');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function ifMissing<T>(fallback: T): (err: NodeJS.ErrnoException) => T {
  return (err) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return fallback;
    throw err;
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
