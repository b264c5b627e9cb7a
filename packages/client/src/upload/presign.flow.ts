import { AssetAccepted, ImageContentType, PresignResponse, type Asset, type AssetOptions } from '@ingestkit/contracts';
import { IngestkitError, isIngestkitError } from '../errors';
import type { Transport } from '../transport';
import type { UploadProgress } from './options';
import type { UploadSource } from './source';
import { putBytes } from './put-bytes';

/**
 * Presign → PUT → complete: the bytes go straight to storage (S3, or the gateway's signed local
 * URLs), then the gateway checks the object and queues it. Each POST carries a key derived from
 * the upload's, so a retried or resumed call finds the same asset.
 */
export async function uploadPresigned(input: {
  transport: Transport;
  source: UploadSource;
  options: AssetOptions;
  idempotencyKey: string;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
}): Promise<Asset> {
  const { transport, source, signal } = input;
  const contentType = ImageContentType.safeParse(source.contentType);
  if (!contentType.success) {
    throw new IngestkitError({ code: 'unsupported_media_type', message: `${source.name} is not an image by its first bytes` });
  }
  const withSignal = signal ? { signal } : {};
  const presigned = await transport.json(
    {
      method: 'POST',
      path: '/v1/uploads/presign',
      idempotencyKey: `${input.idempotencyKey}:presign`,
      json: {
        ...input.options,
        fileName: input.options.fileName ?? source.name,
        contentType: contentType.data,
        size: source.blob.size,
      },
      ...withSignal,
    },
    PresignResponse,
  );
  const { asset, upload } = presigned;
  if (asset.status === 'awaiting_upload') {
    if (upload.method !== 'PUT') throw new IngestkitError({ code: 'invalid_response', message: 'expected a PUT upload' });
    try {
      await putBytes({ url: upload.url, body: source.blob, headers: upload.headers ?? {}, ...withSignal });
    } catch (err) {
      // A retried PUT of a single-use local URL whose first try landed: completion will tell.
      if (!(isIngestkitError(err) && err.code === 'url_already_used')) throw err;
    }
  }
  input.onProgress?.({ loaded: source.blob.size, total: source.blob.size });
  const completed = await transport.json(
    {
      method: 'POST',
      path: `/v1/assets/${asset.id}/complete`,
      idempotencyKey: `${input.idempotencyKey}:complete`,
      ...withSignal,
    },
    AssetAccepted,
  );
  return completed.asset;
}
