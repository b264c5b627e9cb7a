import type { Asset } from '@ingestkit/contracts';
import type { Transport } from '../transport';
import { uploadMultipart } from './multipart.flow';
import { assetOptionsOf, chooseFlow, type UploadOptions } from './options';
import { uploadPresigned } from './presign.flow';
import { toUploadSource, type FileOpener, type UploadInput } from './source';
import { uploadStreamed } from './stream.flow';

/**
 * Uploads one file by the flow its size calls for (see {@link chooseFlow}) and resolves to the
 * accepted asset (`queued`; wait for it with `waitForAsset`). Retries never make a second asset:
 * every POST carries the upload's Idempotency-Key (or one derived from it, per step).
 */
export async function uploadFile(
  transport: Transport,
  input: UploadInput,
  options: UploadOptions = {},
  open?: FileOpener,
): Promise<Asset> {
  const source = await toUploadSource(input, options.fileName, open);
  const common = {
    transport,
    source,
    options: assetOptionsOf(options),
    idempotencyKey: options.idempotencyKey ?? globalThis.crypto.randomUUID(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  options.onProgress?.({ loaded: 0, total: source.blob.size });
  switch (chooseFlow(source.blob.size, options)) {
    case 'stream':
      return uploadStreamed(common);
    case 'presign':
      return uploadPresigned(common);
    case 'multipart':
      return uploadMultipart({
        ...common,
        ...(options.partSize ? { partSize: options.partSize } : {}),
        ...(options.partConcurrency ? { partConcurrency: options.partConcurrency } : {}),
      });
  }
}
