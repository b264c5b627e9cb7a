import type { Queue } from 'bullmq';
import {
  IngestError,
  policyOverridesOf,
  toIngestError,
  type Asset,
  type AssetOptions,
  type AssetOriginal,
  type AssetSource,
  type AssetStatus,
  type DestinationKind,
} from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage, type Logger } from '@ingestkit/runtime';
import { sanitizeFileName } from './file-name';

export { sanitizeFileName } from './file-name';

export interface IntakeDeps {
  registry: AssetRegistry;
  validateQueue: Queue;
  defaultDestination: DestinationKind;
  logger: Logger;
}

export interface NewAssetInput {
  assetId: string;
  /** Parsed options (multipart fields or JSON); `fileName` here wins over `fileName` below. */
  options: Omit<AssetOptions, 'tags' | 'metadata'> & { tags?: string[]; metadata?: Record<string, unknown> };
  /** The name the file arrived with (multipart part, URL path…); sanitised, never a storage key. */
  fileName: string;
  original?: AssetOriginal;
  source?: AssetSource;
  /** When the gateway started receiving the bytes (recorded as the `upload` timing). */
  receivedAt?: Date;
}

/**
 * Creates assets and queues their validation. Every way in (multipart, presign + complete,
 * jobs) goes through here, so an asset always has the same shape and a queued asset always has
 * its job: if the job cannot be added the asset is marked `failed` (retryable through the API)
 * and the error is rethrown, so the client sees the 503.
 */
export function createIntake(deps: IntakeDeps) {
  function buildAsset(input: NewAssetInput, status: AssetStatus): Asset {
    const now = new Date();
    const { options } = input;
    const overrides = policyOverridesOf(options);
    return {
      id: input.assetId,
      status,
      destination: options.destination ?? deps.defaultDestination,
      policy: options.policy ?? 'default',
      ...(overrides ? { overrides } : {}),
      fileName: sanitizeFileName(options.fileName ?? input.fileName),
      ...(options.folder ? { folder: options.folder } : {}),
      tags: options.tags ?? [],
      metadata: options.metadata ?? {},
      ...(options.overwrite ? { overwrite: true } : {}),
      ...(input.source ? { source: input.source } : {}),
      ...(input.original ? { original: input.original } : {}),
      timings: input.receivedAt
        ? {
            upload: {
              startedAt: input.receivedAt.toISOString(),
              finishedAt: now.toISOString(),
              durationMs: now.getTime() - input.receivedAt.getTime(),
            },
          }
        : {},
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
  }

  /** Adds the validate job of a `queued` asset; marks it `failed` and rethrows when the queue refuses. */
  async function enqueueValidation(asset: Asset): Promise<Asset> {
    try {
      await enqueueStage(deps.validateQueue, { version: 1, assetId: asset.id });
    } catch (err) {
      const error = new IngestError('dependency_unavailable', 'the queue (Redis) is unavailable', { cause: err });
      await deps.registry
        .transition(asset.id, {
          from: ['queued'],
          to: 'failed',
          patch: { error: { code: error.code, message: error.message, stage: 'upload' } },
        })
        .catch((markErr: unknown) =>
          deps.logger.error({ err: toIngestError(markErr), assetId: asset.id }, 'could not mark asset failed'),
        );
      throw error;
    }
    return asset;
  }

  return {
    /** A new `queued` asset (its original staged, or a job `source` to fetch), with its validate job. */
    async acceptAsset(input: NewAssetInput): Promise<Asset> {
      const asset = buildAsset(input, 'queued');
      await deps.registry.create(asset);
      return enqueueValidation(asset);
    },
    /** A new `awaiting_upload` asset of a direct upload: nothing is queued until it completes. */
    async awaitUpload(input: NewAssetInput): Promise<Asset> {
      const asset = buildAsset(input, 'awaiting_upload');
      await deps.registry.create(asset);
      return asset;
    },
    enqueueValidation,
  };
}

export type Intake = ReturnType<typeof createIntake>;
