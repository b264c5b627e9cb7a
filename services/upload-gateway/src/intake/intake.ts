import type { Queue } from 'bullmq';
import {
  IngestError,
  isIngestError,
  lifecycle,
  policyOverridesOf,
  toIngestError,
  type Asset,
  type AssetOptions,
  type AssetOriginal,
  type AssetSource,
  type AssetStatus,
  type DestinationKind,
  type PrincipalRef,
} from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage, type Logger } from '@ingestkit/runtime';
import { sanitizeFileName } from './file-name';
import type { Admitted } from './admission';

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
  /** Who asked for it; purges its overwrite causes count against this key. */
  createdBy: PrincipalRef;
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
      createdBy: input.createdBy,
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

  /** Creates the asset; when its id exists already, returns the existing asset instead. */
  async function createOrFind(asset: Asset): Promise<Asset | undefined> {
    try {
      await deps.registry.create(asset);
      return undefined;
    } catch (err) {
      if (!isIngestError(err) || err.code !== 'conflict') throw err;
      const existing = await deps.registry.get(asset.id);
      if (!existing) throw err;
      deps.logger.info({ assetId: asset.id }, 'request retried after its answer was lost: the asset exists already');
      return existing;
    }
  }

  /** Adds the validate job of a `queued` asset; marks it `failed` and rethrows when the queue refuses. */
  async function enqueueValidation(asset: Asset): Promise<Asset> {
    try {
      await enqueueStage(deps.validateQueue, { version: 1, assetId: asset.id });
    } catch (err) {
      const error = new IngestError('dependency_unavailable', 'the queue (Redis) is unavailable', { cause: err });
      await deps.registry
        .transition(asset.id, {
          ...lifecycle.stranded,
          patch: { error: { code: error.code, message: error.message, stage: 'upload' } },
        })
        .catch((markErr: unknown) =>
          deps.logger.error({ err: toIngestError(markErr), assetId: asset.id }, 'could not mark asset failed'),
        );
      throw error;
    }
    return asset;
  }

  /**
   * An accepted asset whose validation job was never added (the gateway died, or the queue
   * refused, between the two writes): `queued` without its job, or already marked `failed` at
   * `upload` for it. The client's retry lands here and queues it; any other asset is returned
   * as it is (an existing job is kept).
   */
  async function requeueIfStranded(asset: Asset): Promise<Asset> {
    if (asset.status === 'queued') return enqueueValidation(asset);
    if (asset.status === 'failed' && asset.error?.stage === 'upload') {
      const requeued = await deps.registry.transition(asset.id, { ...lifecycle.revived, patch: { error: null } });
      if (requeued) return enqueueValidation(requeued);
    }
    return asset;
  }

  return {
    /**
     * A new `queued` asset (its original staged, or a job `source` to fetch), with its validate
     * job. When the asset exists already (the same request, retried after a crash lost its
     * answer: ids derive from Idempotency-Key), it is that asset, its job added if it is missing.
     */
    async acceptAsset(input: NewAssetInput): Promise<Asset> {
      const asset = buildAsset(input, 'queued');
      const existing = await createOrFind(asset);
      return existing ? requeueIfStranded(existing) : enqueueValidation(asset);
    },
    /**
     * A new `awaiting_upload` asset of an admitted direct upload (presign, Uppy, tus), its
     * original expected at the admitted staging key (or the asset the same request created
     * before a crash).
     */
    async awaitUpload(
      admitted: Pick<Admitted<NewAssetInput['options']>, 'assetId' | 'options' | 'createdBy' | 'stagingKey'>,
      file: { fileName: string; bytes: number; contentType?: AssetOriginal['contentType'] },
    ): Promise<Asset> {
      const { contentType, bytes } = file;
      const asset = buildAsset(
        {
          assetId: admitted.assetId,
          options: admitted.options,
          createdBy: admitted.createdBy,
          fileName: file.fileName,
          original: { key: admitted.stagingKey, bytes, ...(contentType ? { contentType } : {}) },
        },
        'awaiting_upload',
      );
      return (await createOrFind(asset)) ?? asset;
    },
    enqueueValidation,
    requeueIfStranded,
    /** Whether an asset with this id exists (so its staged original is its own, not a leftover to delete). */
    async isRecorded(assetId: string): Promise<boolean> {
      return (await deps.registry.get(assetId)) !== null;
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
