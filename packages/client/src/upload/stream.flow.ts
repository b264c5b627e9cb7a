import { AssetAccepted, type Asset, type AssetOptions } from '@ingestkit/contracts';
import type { Transport } from '../transport';
import { countingStream, isStreamingBodySupported, type UploadSource } from './source';
import type { UploadProgress } from './options';

/** The form fields of `POST /v1/uploads` for these options (strings, sent before the file). */
export function formFieldsOf(options: AssetOptions, fileName: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [['fileName', options.fileName ?? fileName]];
  const add = (name: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) fields.push([name, String(value)]);
  };
  add('folder', options.folder);
  add('tags', options.tags?.join(','));
  add('destination', options.destination);
  add('policy', options.policy);
  add('metadata', options.metadata ? JSON.stringify(options.metadata) : undefined);
  add('overwrite', options.overwrite);
  add('dedupe', options.dedupe);
  add('format', options.format);
  add('quality', options.quality);
  add('maxWidth', options.maxWidth);
  add('maxHeight', options.maxHeight);
  return fields;
}

/** Below this size a streamed upload reports progress only when it is done. */
const STREAMED_PROGRESS_FROM = 1024 * 1024;

const quote = (value: string) => value.replace(/["\r\n\\]/g, (c) => encodeURIComponent(c));

/**
 * `POST /v1/uploads`: the file streamed through the gateway in one multipart request. Node
 * streams the body and reports bytes as they leave; browsers send a Blob (progress at the end).
 */
export async function uploadStreamed(input: {
  transport: Transport;
  source: UploadSource;
  options: AssetOptions;
  idempotencyKey: string;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
}): Promise<Asset> {
  const { source } = input;
  const boundary = `----ingestkit${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
  const head = formFieldsOf(input.options, source.name)
    .map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join('');
  const filePart = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${quote(source.name)}"\r\ncontent-type: ${source.contentType}\r\n\r\n`;
  const form = new Blob([head, filePart, source.blob, `\r\n--${boundary}--\r\n`]);
  const total = source.blob.size;
  const preamble = form.size - total;
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
  const response = await input.transport.json(
    {
      method: 'POST',
      path: '/v1/uploads',
      idempotencyKey: input.idempotencyKey,
      untimed: true,
      ...(input.signal ? { signal: input.signal } : {}),
      body: () => {
        // Small files go as one Blob (with a length; cheaper than a counted stream): progress at the end.
        if (!input.onProgress || !isStreamingBodySupported() || total < STREAMED_PROGRESS_FROM) return { body: form, headers };
        let sent = 0;
        const report = input.onProgress;
        const body = countingStream(form, (bytes) => {
          sent += bytes;
          report({ loaded: Math.max(0, Math.min(total, sent - preamble)), total });
        });
        return { body, headers: { ...headers, 'content-length': String(form.size) }, duplex: 'half' };
      },
    },
    AssetAccepted,
  );
  input.onProgress?.({ loaded: total, total });
  return response.asset;
}
