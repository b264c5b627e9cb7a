import type ImageKit from '@imagekit/nodejs';
import { IngestError } from '@ingestkit/contracts';
import { type ImageKitFile, type UploadedFile } from './imagekit-adapter';

type SdkFile = ImageKit.File;
type Raw = ImageKit.FileUploadResponse | SdkFile;

function required<K extends 'fileId' | 'name' | 'filePath' | 'url' | 'size'>(raw: Raw, key: K): NonNullable<Raw[K]> {
  const value = raw[key];
  if (value === undefined || value === null) {
    throw new IngestError('destination_error', `ImageKit response has no ${key}`, { details: { response: raw } });
  }
  return value as NonNullable<Raw[K]>;
}

/** Maps an SDK upload or file response to {@link UploadedFile}; a response without the core fields is a `destination_error`. */
export function toUploadedFile(raw: Raw): UploadedFile {
  const fileId = required(raw, 'fileId');
  const file: UploadedFile = {
    fileId,
    // ImageKit's first version has id == fileId; fall back to that if versionInfo is missing.
    versionId: raw.versionInfo?.id ?? fileId,
    name: required(raw, 'name'),
    filePath: required(raw, 'filePath'),
    url: required(raw, 'url'),
    size: required(raw, 'size'),
  };
  if (typeof raw.width === 'number') file.width = raw.width;
  if (typeof raw.height === 'number') file.height = raw.height;
  return file;
}

/** Maps an SDK `File` (details, versions or list entry) to {@link ImageKitFile}. */
export function toImageKitFile(raw: SdkFile): ImageKitFile {
  const file: ImageKitFile = {
    ...toUploadedFile(raw),
    type: raw.type ?? 'file',
    versionName: raw.versionInfo?.name ?? '',
    tags: raw.tags ?? [],
  };
  if (raw.customMetadata) file.customMetadata = raw.customMetadata;
  if (raw.createdAt) file.createdAt = raw.createdAt;
  if (raw.updatedAt) file.updatedAt = raw.updatedAt;
  return file;
}
