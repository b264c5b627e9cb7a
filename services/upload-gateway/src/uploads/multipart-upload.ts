import type { Request } from 'express';
import Busboy, { type Busboy as BusboyParser, type FileInfo } from 'busboy';
import { IngestError, toIngestError, type ImageFormat } from '@ingestkit/contracts';
import { SniffGuard } from '@ingestkit/imaging';
import { ByteLimit, guardedUpload, type HashPool, type ObjectStore } from '@ingestkit/storage';

export interface ReceivedUpload {
  /** Text fields as sent (validated by the caller against the contracts). */
  fields: Record<string, string>;
  file: { bytes: number; sha256: string; format: ImageFormat; declaredType: string; fileName: string };
}

const MAX_FIELDS = 20;

/**
 * Streams the one `file` part of a multipart request straight to the store, counting bytes and
 * hashing on the way; the file is never held in memory. The text fields sent before the file
 * are handed to `keyFor` when the file part begins, before a byte of it is stored: it validates
 * them and answers the key the file goes to (a refusal there stores nothing). On any failure
 * (no file, a second file, over `maxBytes`, not an image, client gone, store error) nothing is
 * left at the key and an `IngestError` with the reason is thrown. The caller answers with
 * `Connection: close` in that case, so an oversized body is not read to its end.
 */
export async function receiveMultipartUpload(
  req: Request,
  options: {
    store: ObjectStore;
    maxBytes: number;
    keyFor(fields: Record<string, string>): Promise<string>;
    /** The service's hashing threads (inline without). */
    hashPool?: HashPool;
  },
): Promise<ReceivedUpload & { key: string }> {
  const busboy = createParser(req, options.maxBytes);
  const fields: Record<string, string> = {};
  let file:
    | { info: FileInfo; guard: SniffGuard; aborted: AbortController; stored: Promise<{ bytes: number; sha256: string }> }
    | undefined;
  let key: string | undefined;
  let failure: IngestError | undefined;
  let settleParse: () => void = () => {};
  const parsed = new Promise<void>((resolve) => (settleParse = resolve));

  const fail = (err: unknown, code: 'bad_request' | 'upload_incomplete' = 'bad_request') => {
    failure ??= toIngestError(err, code);
    file?.aborted.abort(failure);
    req.unpipe(busboy);
    settleParse();
  };

  busboy.on('field', (name, value, info) => {
    if (info.nameTruncated || info.valueTruncated) fail(new IngestError('bad_request', `form field "${name}" is too long`));
    else fields[name] = value;
  });
  busboy.on('file', (name, stream, info) => {
    if (name !== 'file' || file !== undefined) {
      stream.resume();
      if (name !== 'file') fail(new IngestError('bad_request', `unexpected file part "${name}": send the image as "file"`));
      return;
    }
    const guard = new SniffGuard();
    const aborted = new AbortController();
    const tooLarge = `the file exceeds the upload limit of ${options.maxBytes} bytes`;
    // Nothing is read from the file until its fields are admitted; a failure before then aborts
    // the upload before it starts (`failure` carries the reason).
    stream.pause();
    stream.once('limit', () => fail(new IngestError('payload_too_large', tooLarge, { details: { maxBytes: options.maxBytes } })));
    const stored = options.keyFor({ ...fields }).then(async (admittedKey) => {
      key = admittedKey;
      const received = await guardedUpload({
        body: stream,
        // busboy truncates at maxBytes + 1 (its `limit` above); this refuses the same byte, with the same error.
        limit: new ByteLimit(options.maxBytes, tooLarge),
        sniff: guard,
        hash: { pool: options.hashPool },
        signal: aborted.signal,
        store: (body) => options.store.put({ key: admittedKey, body }),
      });
      return { bytes: received.bytes, sha256: received.sha256 };
    });
    stored.catch((err: unknown) => {
      stream.resume();
      fail(err);
    });
    file = { info, guard, aborted, stored };
  });
  busboy.on('filesLimit', () => fail(new IngestError('too_many_files', 'send exactly one file per upload')));
  busboy.on('fieldsLimit', () => fail(new IngestError('bad_request', `at most ${MAX_FIELDS} form fields`)));
  busboy.on('partsLimit', () => fail(new IngestError('bad_request', 'too many multipart parts')));
  busboy.on('error', (err: Error) =>
    fail(new IngestError('upload_incomplete', `the multipart body is malformed or ended early: ${err.message}`)),
  );
  busboy.on('close', () => settleParse());
  req.on('close', () => {
    if (!req.complete) fail(new IngestError('upload_incomplete', 'the client closed the connection before the upload finished'));
  });
  req.pipe(busboy);

  await parsed;
  if (file === undefined) fail(new IngestError('missing_file', 'no "file" part in the multipart body'));
  // Resolved once the store has the whole file and its digest is known.
  const received = await file?.stored.catch(() => undefined);
  if (failure !== undefined || file === undefined || file.guard.format === undefined || received === undefined || !key) {
    if (key) await options.store.delete(key).catch(() => {});
    throw failure ?? new IngestError('missing_file', 'no "file" part in the multipart body');
  }
  return {
    key,
    fields,
    file: {
      bytes: received.bytes,
      sha256: received.sha256,
      format: file.guard.format,
      declaredType: file.info.mimeType,
      fileName: file.info.filename ?? '',
    },
  };
}

function createParser(req: Request, maxBytes: number): BusboyParser {
  // busboy signals `limit` when a file reaches `fileSize`, so a file of exactly maxBytes needs one more.
  try {
    return Busboy({
      headers: req.headers,
      limits: {
        files: 1,
        fileSize: maxBytes + 1,
        fields: MAX_FIELDS,
        fieldSize: 64 * 1024,
        parts: MAX_FIELDS + 2,
        headerPairs: 100,
      },
    });
  } catch (err) {
    throw new IngestError('bad_request', 'expected a multipart/form-data body with a boundary', { cause: err });
  }
}
