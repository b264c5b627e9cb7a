import {
  AssetAccepted,
  UppyCompleteResponse,
  UppyCreateMultipartResponse,
  UppySignedParts,
  type Asset,
  type AssetOptions,
} from '@ingestkit/contracts';
import type { Transport } from '../transport';
import { uploadDefaults, type UploadProgress } from './options';
import { putBytes } from './put-bytes';
import type { UploadSource } from './source';

const MIN_PART = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

/** Asset options as Uppy metadata: `folder`, `destination`, `policy`, `tags` (comma list); the rest is metadata. */
function uppyMetadataOf(options: AssetOptions): Record<string, unknown> {
  return {
    ...options.metadata,
    ...(options.folder ? { folder: options.folder } : {}),
    ...(options.destination ? { destination: options.destination } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.tags?.length ? { tags: options.tags.join(',') } : {}),
  };
}

/**
 * Large files: the gateway's S3 multipart routes (the ones Uppy uses), parts PUT straight to
 * storage `partConcurrency` at a time, each retried on its own, then completed on the gateway.
 * Progress counts finished parts. An abort cancels the upload on the server as well.
 */
export async function uploadMultipart(input: {
  transport: Transport;
  source: UploadSource;
  options: AssetOptions;
  idempotencyKey: string;
  partSize?: number;
  partConcurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
}): Promise<Asset> {
  const { transport, source, signal } = input;
  const total = source.blob.size;
  const partSize = Math.max(input.partSize ?? uploadDefaults.partSize, MIN_PART, Math.ceil(total / MAX_PARTS));
  const count = Math.max(1, Math.ceil(total / partSize));
  const withSignal = signal ? { signal } : {};
  const created = await transport.json(
    {
      method: 'POST',
      path: '/v1/uppy/s3/multipart',
      idempotencyKey: `${input.idempotencyKey}:multipart`,
      json: {
        filename: input.options.fileName ?? source.name,
        type: source.contentType,
        metadata: uppyMetadataOf(input.options),
      },
      ...withSignal,
    },
    UppyCreateMultipartResponse,
  );
  const base = `/v1/uppy/s3/multipart/${encodeURIComponent(created.uploadId)}`;
  try {
    const etags: string[] = new Array(count);
    let loaded = 0;
    let next = 0;
    for (let first = 1; first <= count; first += 1000) {
      const numbers = Array.from({ length: Math.min(1000, count - first + 1) }, (_, i) => first + i);
      const signed = await transport.json(
        { method: 'GET', path: `${base}/batch`, query: { key: created.key, partNumbers: numbers.join(',') }, ...withSignal },
        UppySignedParts,
      );
      next = first - 1;
      const last = first - 1 + numbers.length;
      const worker = async () => {
        while (next < last) {
          const index = next++;
          const body = source.blob.slice(index * partSize, Math.min(total, (index + 1) * partSize));
          const url = signed.presignedUrls[String(index + 1)] ?? '';
          etags[index] = (await putBytes({ url, body, headers: {}, ...withSignal })) ?? '';
          loaded += body.size;
          input.onProgress?.({ loaded, total });
        }
      };
      await Promise.all(Array.from({ length: input.partConcurrency ?? uploadDefaults.partConcurrency }, worker));
    }
    const completed = await transport.json(
      {
        method: 'POST',
        path: `${base}/complete`,
        query: { key: created.key },
        idempotencyKey: `${input.idempotencyKey}:complete`,
        json: { parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) },
        ...withSignal,
      },
      UppyCompleteResponse,
    );
    // Completing again answers the asset, and upload tokens may call it (GET /v1/assets/:id needs an API key).
    const found = await transport.json(
      { method: 'POST', path: `/v1/assets/${completed.assetId}/complete`, idempotencyKey: `${input.idempotencyKey}:asset` },
      AssetAccepted,
    );
    return found.asset;
  } catch (err) {
    if (signal?.aborted) {
      await transport.once({ method: 'DELETE', path: base, query: { key: created.key } }, undefined).catch(() => undefined);
    }
    throw err;
  }
}
