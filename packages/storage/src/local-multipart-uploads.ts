import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IngestError } from '@ingestkit/contracts';
import { validateKey } from './keys';
import { checkPartList, MAX_PART_NUMBER, type MultipartUploadRef, type UploadedPart } from './multipart-uploads';
import type { ObjectStore } from './object-store';
import { signRelayedPart, type PartRelay, type RelayedPartUploads } from './relayed-parts';

/** Options of {@link createLocalMultipartUploads}. */
export interface LocalMultipartOptions extends PartRelay {
  /** The store the parts and the assembled object live in (the staging store). */
  store: ObjectStore;
}

interface UploadRecord {
  key: string;
  contentType: string;
  initiatedAt: string;
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{24}$/;
const areaOf = (uploadId: string) => `multipart/${uploadId}/`;
const partKey = (uploadId: string, partNumber: number) => `${areaOf(uploadId)}parts/${String(partNumber).padStart(5, '0')}`;
const unquote = (etag: string) => etag.replace(/"/g, '');

/**
 * Multipart uploads on the local store, the same flow as S3: each upload gets a temp area
 * (`multipart/<uploadId>/` in the store: the upload record, each part and its ETag), parts are
 * PUT to the gateway's own HMAC-signed, expiring URLs, and `complete` streams the parts in
 * order into the key, then drops the temp area. Nothing is held in memory whole. Each part URL
 * carries its byte cap (`max`) under the signature; the gateway's part route enforces it, and
 * the upload's total across parts, while the bytes stream.
 */
export function createLocalMultipartUploads(options: LocalMultipartOptions): RelayedPartUploads {
  const { store } = options;
  async function readJson<T>(key: string): Promise<T | undefined> {
    if (!(await store.head(key))) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  }
  async function findUpload(ref: MultipartUploadRef): Promise<UploadRecord> {
    validateKey(ref.key);
    const record = UPLOAD_ID.test(ref.uploadId) ? await readJson<UploadRecord>(`${areaOf(ref.uploadId)}upload.json`) : undefined;
    if (!record || record.key !== ref.key) {
      throw new IngestError('not_found', `no multipart upload with this id for key ${ref.key}`, {
        details: { key: ref.key },
      });
    }
    return record;
  }
  async function listParts(ref: MultipartUploadRef): Promise<UploadedPart[]> {
    await findUpload(ref);
    const listed = await store.list(`${areaOf(ref.uploadId)}parts/`);
    const parts = await Promise.all(
      listed.filter((info) => info.key.endsWith('.json')).map((info) => readJson<UploadedPart>(info.key)),
    );
    return parts.filter((part): part is UploadedPart => part !== undefined).sort((a, b) => a.partNumber - b.partNumber);
  }
  return {
    async create(input) {
      validateKey(input.key);
      const uploadId = randomBytes(18).toString('base64url');
      const record: UploadRecord = { key: input.key, contentType: input.contentType, initiatedAt: new Date().toISOString() };
      await store.put({ key: `${areaOf(uploadId)}upload.json`, body: Buffer.from(JSON.stringify(record)) });
      return { key: input.key, uploadId };
    },
    signPart(input) {
      validateKey(input.key);
      checkPartNumber(input.partNumber);
      return Promise.resolve(signRelayedPart(options, input));
    },
    listParts,
    async putPart(input) {
      // The local store needs no size up front (the route meters what arrives).
      checkPartNumber(input.partNumber);
      await findUpload(input);
      const hash = new HashStream();
      const key = partKey(input.uploadId, input.partNumber);
      // Wait for both sides, so the store has cleaned up before the caller hears of a failure.
      const [piped, put] = await Promise.allSettled([pipeline(input.body, hash), store.put({ key, body: hash })]);
      if (piped.status === 'rejected') throw piped.reason;
      if (put.status === 'rejected') throw put.reason;
      const part: UploadedPart = { partNumber: input.partNumber, etag: `"${hash.hex()}"`, bytes: put.value.bytes };
      await store.put({ key: `${key}.json`, body: Buffer.from(JSON.stringify(part)) });
      return { etag: part.etag, bytes: part.bytes };
    },
    async complete(input) {
      await findUpload(input);
      // Joined exactly as listed, so the list must name each stored part at most once, in order.
      checkPartList(input.parts);
      const stored = new Map((await listParts(input)).map((part) => [part.partNumber, part]));
      for (const part of input.parts) {
        if (!stored.has(part.partNumber)) {
          throw new IngestError('bad_request', `part ${part.partNumber} was never uploaded`, {
            details: { partNumber: part.partNumber },
          });
        }
        if (unquote(stored.get(part.partNumber)?.etag ?? '') !== unquote(part.etag)) {
          throw new IngestError('bad_request', `part ${part.partNumber} was not uploaded with this ETag`, {
            details: { partNumber: part.partNumber },
          });
        }
      }
      const parts = input.parts.map((part) => partKey(input.uploadId, part.partNumber));
      await store.put({ key: input.key, body: Readable.from(concat(store, parts)) });
      await store.deletePrefix(areaOf(input.uploadId));
    },
    async abort(input) {
      validateKey(input.key);
      if (!UPLOAD_ID.test(input.uploadId)) return;
      const record = await readJson<UploadRecord>(`${areaOf(input.uploadId)}upload.json`);
      if (record && record.key !== input.key) {
        throw new IngestError('not_found', `no multipart upload with this id for key ${input.key}`);
      }
      await store.deletePrefix(areaOf(input.uploadId));
    },
  };
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new IngestError('bad_request', `part numbers are 1 to ${MAX_PART_NUMBER}`);
  }
}

async function* concat(store: ObjectStore, keys: string[]): AsyncGenerator<Buffer> {
  for (const key of keys) {
    for await (const chunk of await store.get(key)) yield chunk as Buffer;
  }
}

/** Passes bytes through and keeps their MD5 (the part's ETag, as S3 computes it). */
class HashStream extends Transform {
  readonly #hash = createHash('md5');
  #hex: string | undefined;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    this.#hex = this.#hash.digest('hex');
    callback();
  }
  hex(): string {
    return this.#hex ?? '';
  }
}
