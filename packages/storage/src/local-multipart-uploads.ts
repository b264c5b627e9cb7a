import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IngestError } from '@ingestkit/contracts';
import { validateKey } from './keys';
import {
  checkPartList,
  MAX_PART_NUMBER,
  type MultipartUploadRef,
  type MultipartUploads,
  type UploadedPart,
} from './multipart-uploads';
import type { ObjectStore } from './object-store';

/** Where the gateway serves the local store's part uploads: `<base><path><uploadId>/<partNumber>?…`. */
export const LOCAL_PART_PATH = '/v1/local-uploads/parts/';

/** Options of {@link createLocalMultipartUploads}. */
export interface LocalMultipartOptions {
  /** The store the parts and the assembled object live in (the staging store). */
  store: ObjectStore;
  /** The gateway's public base URL (a function: tests learn their port after listening). */
  baseUrl: string | (() => string);
  /** A secret of at least 32 bytes only the gateway knows (signs the part URLs). */
  secret: string;
}

/** The local store's multipart uploads: the port, plus receiving a part (what the gateway's part route calls). */
export interface LocalMultipartUploads extends MultipartUploads {
  /** Streams one part into the upload's temp area; answers its ETag (quoted MD5 hex, as S3). */
  putPart(input: MultipartUploadRef & { partNumber: number; body: Readable }): Promise<{ etag: string; bytes: number }>;
}

interface UploadRecord {
  key: string;
  contentType: string;
  initiatedAt: string;
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{24}$/;
const areaOf = (uploadId: string) => `multipart/${uploadId}/`;
const partKey = (uploadId: string, partNumber: number) => `${areaOf(uploadId)}parts/${String(partNumber).padStart(5, '0')}`;
// v2: the part's byte cap is signed too, so a client cannot raise it by editing the URL.
const canonical = (ref: MultipartUploadRef, partNumber: number, expires: number, maxBytes: number) =>
  ['local-part/v2', ref.uploadId, partNumber, ref.key, expires, maxBytes].join('\n');
const mac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('base64url');
const unquote = (etag: string) => etag.replace(/"/g, '');

/**
 * Multipart uploads on the local store, the same flow as S3: each upload gets a temp area
 * (`multipart/<uploadId>/` in the store: the upload record, each part and its ETag), parts are
 * PUT to the gateway's own HMAC-signed, expiring URLs, and `complete` streams the parts in
 * order into the key, then drops the temp area. Nothing is held in memory whole. Each part URL
 * carries its byte cap (`max`) under the signature; the gateway's part route enforces it, and
 * the upload's total across parts, while the bytes stream.
 */
export function createLocalMultipartUploads(options: LocalMultipartOptions): LocalMultipartUploads {
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
      const expires = Math.floor(Date.now() / 1000) + input.expiresInSeconds;
      const base = typeof options.baseUrl === 'function' ? options.baseUrl() : options.baseUrl;
      const url = new URL(`${base.replace(/\/+$/, '')}${LOCAL_PART_PATH}${input.uploadId}/${input.partNumber}`);
      const maxBytes = Math.min(input.maxBytes, input.bytes ?? input.maxBytes);
      if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
        throw new IngestError('bad_request', 'a part URL needs a byte cap of at least 1', { details: { maxBytes } });
      }
      url.search = new URLSearchParams({
        key: input.key,
        expires: String(expires),
        max: String(maxBytes),
        signature: mac(options.secret, canonical(input, input.partNumber, expires, maxBytes)),
      }).toString();
      return Promise.resolve({ url: url.href, expiresAt: new Date(expires * 1000) });
    },
    listParts,
    async putPart(input) {
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

/**
 * Checks a part URL as received (upload id and part number from the path, the query as parsed):
 * `signature_invalid` when anything was changed (the byte cap included), `url_expired` past its
 * expiry. Answers the part and its signed byte cap (`maxBytes`).
 */
export function verifyLocalPart(input: {
  uploadId: string;
  partNumber: string;
  query: Record<string, unknown>;
  secret: string;
  now?: Date;
}): MultipartUploadRef & { partNumber: number; maxBytes: number } {
  const field = (name: string) => (typeof input.query[name] === 'string' ? (input.query[name] as string) : '');
  const partNumber = Number(input.partNumber);
  const expires = Number(field('expires'));
  const maxBytes = Number(field('max'));
  const ref = { key: field('key'), uploadId: input.uploadId };
  const invalid = new IngestError('signature_invalid', 'the part URL is not one the gateway signed (or was altered)');
  if (
    !UPLOAD_ID.test(ref.uploadId) ||
    !Number.isSafeInteger(expires) ||
    !Number.isSafeInteger(maxBytes) ||
    maxBytes < 1 ||
    !/^\d{1,5}$/.test(input.partNumber)
  ) {
    throw invalid;
  }
  const expected = Buffer.from(mac(input.secret, canonical(ref, partNumber, expires, maxBytes)));
  const presented = Buffer.from(field('signature'));
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) throw invalid;
  if ((input.now ?? new Date()).getTime() > expires * 1000) {
    throw new IngestError('url_expired', 'the part URL has expired; ask for a new one');
  }
  return { ...ref, partNumber, maxBytes };
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
