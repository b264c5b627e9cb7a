import { type Readable } from 'node:stream';
import ImageKit, { toFile } from '@imagekit/nodejs';
import { IngestError } from '@ingestkit/contracts';
import { createClientUploadAuth } from './client-upload-auth';
import { toImageKitFile, toUploadedFile } from './file-views';
import {
  type FileDetailsUpdate,
  type ImageKitAdapter,
  type ListFilesQuery,
  type PurgeStatus,
  type UploadInput,
} from './imagekit-adapter';
import { toImageKitError } from './imagekit-error';
import { realmSafeFetch } from './realm-safe-fetch';

const IMAGEKIT_API = 'https://api.imagekit.io';

/** Options for {@link createImageKitClient}; pass everything explicitly (nothing is read from the environment). */
export interface ImageKitClientOptions {
  privateKey: string;
  publicKey: string;
  /** e.g. `https://ik.imagekit.io/<imagekitId>`; where delivered files live. */
  urlEndpoint: string;
  /**
   * API origin; default `https://api.imagekit.io` (uploads then go to `upload.imagekit.io`).
   * When overridden, uploads go to the same origin too, which is how the emulator is reached.
   */
  baseURL?: string;
  /** Per-request timeout in ms; default 60 000 (the SDK's). */
  timeoutMs?: number;
}

/** The {@link ImageKitAdapter} plus the `urlEndpoint` it was configured with. */
export interface ImageKitClient extends ImageKitAdapter {
  readonly urlEndpoint: string;
}

async function call<T>(request: () => PromiseLike<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw toImageKitError(err);
  }
}

/**
 * Builds the ImageKit adapter over the official v7 SDK with retries off (`maxRetries: 0`): the
 * queue owns retries, and an SDK retry of an upload whose first attempt did land would create a
 * second file or version. SDK errors leave as `IngestError` (see `toImageKitError`).
 */
export function createImageKitClient(options: ImageKitClientOptions): ImageKitClient {
  if (!options.privateKey || !options.publicKey) {
    throw new IngestError('bad_request', 'ImageKit privateKey and publicKey are required');
  }
  const sdk = new ImageKit({
    privateKey: options.privateKey,
    // Explicit values so IMAGE_KIT_BASE_URL / IMAGEKIT_WEBHOOK_SECRET in the environment cannot change behaviour.
    baseURL: options.baseURL ?? IMAGEKIT_API,
    password: 'do_not_set',
    webhookSecret: null,
    maxRetries: 0,
    fetch: realmSafeFetch,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });

  return {
    urlEndpoint: options.urlEndpoint,

    async upload(input: UploadInput) {
      const file = await call(() => toFile(input.file as Buffer | Readable, input.fileName));
      const raw = await call(() =>
        sdk.files.upload({
          file,
          fileName: input.fileName,
          ...(input.folder === undefined ? {} : { folder: input.folder }),
          ...(input.tags === undefined ? {} : { tags: [...input.tags] }),
          ...(input.useUniqueFileName === undefined ? {} : { useUniqueFileName: input.useUniqueFileName }),
          ...(input.overwriteFile === undefined ? {} : { overwriteFile: input.overwriteFile }),
          ...(input.customMetadata === undefined ? {} : { customMetadata: input.customMetadata }),
          ...(input.isPrivateFile === undefined ? {} : { isPrivateFile: input.isPrivateFile }),
        }),
      );
      return toUploadedFile(raw);
    },

    async getFileDetails(fileId: string) {
      return toImageKitFile(await call(() => sdk.files.get(fileId)));
    },

    async updateFileDetails(fileId: string, input: FileDetailsUpdate) {
      return toImageKitFile(await call(() => sdk.files.update(fileId, input)));
    },

    async listFileVersions(fileId: string) {
      return (await call(() => sdk.files.versions.list(fileId))).map(toImageKitFile);
    },

    async deleteFile(fileId: string) {
      await call(() => sdk.files.delete(fileId));
    },

    async deleteFileVersion(fileId: string, versionId: string) {
      await call(() => sdk.files.versions.delete(versionId, { fileId }));
    },

    async listFiles(query: ListFilesQuery = {}) {
      const items = await call(() =>
        sdk.assets.list({
          type: 'file',
          limit: 1000,
          ...(query.path === undefined ? {} : { path: query.path }),
          ...(query.name === undefined ? {} : { searchQuery: `name = ${JSON.stringify(query.name)}` }),
        }),
      );
      const files = items.filter((item): item is ImageKit.File => item.type === 'file' || item.type === 'file-version');
      // Filter again locally: exact match, whatever the server's search semantics.
      return files.map(toImageKitFile).filter((file) => query.name === undefined || file.name === query.name);
    },

    async purge(url: string) {
      const { requestId } = await call(() => sdk.cache.invalidation.create({ url }));
      if (!requestId) throw new IngestError('destination_error', 'ImageKit purge response has no requestId');
      return { requestId };
    },

    async purgeStatus(requestId: string): Promise<PurgeStatus> {
      const { status } = await call(() => sdk.cache.invalidation.get(requestId));
      if (status !== 'Pending' && status !== 'Completed') {
        throw new IngestError('destination_error', `ImageKit purge status is ${String(status)}`, { details: { requestId } });
      }
      return status;
    },

    clientUploadAuth(authOptions = {}) {
      return createClientUploadAuth({ privateKey: options.privateKey, publicKey: options.publicKey, ...authOptions });
    },
  };
}
