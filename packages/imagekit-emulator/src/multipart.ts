import busboy from 'busboy';
import { type Request } from 'express';
import { ApiError, MESSAGES } from './api-error';

/** A binary `file` part. */
export interface UploadedPart {
  bytes: Buffer;
  filename: string;
  mimeType: string;
}

/** A parsed multipart upload: text fields (last value wins) and the `file` part if binary. */
export interface MultipartForm {
  fields: Record<string, string>;
  file?: UploadedPart;
}

/**
 * Reads a `multipart/form-data` request with busboy. A binary part larger than `maxFileBytes`
 * fails with ImageKit's "file size exceeds limits" 400; a request that is not multipart yields no fields.
 */
export function readMultipart(req: Request, maxFileBytes: number): Promise<MultipartForm> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    req.resume();
    return Promise.resolve({ fields: {} });
  }
  return new Promise((resolve, reject) => {
    const form: MultipartForm = { fields: {} };
    let tooLarge = false;
    const parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes, files: 1, fieldSize: maxFileBytes * 2 } });
    parser.on('field', (name, value) => {
      form.fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        tooLarge = true;
      });
      stream.on('end', () => {
        if (name === 'file') form.file = { bytes: Buffer.concat(chunks), filename: info.filename ?? '', mimeType: info.mimeType };
      });
    });
    parser.on('error', (error: unknown) => reject(new ApiError(400, `Malformed multipart body: ${String(error)}`)));
    parser.on('close', () => (tooLarge ? reject(new ApiError(400, MESSAGES.fileTooLarge)) : resolve(form)));
    req.pipe(parser);
  });
}
