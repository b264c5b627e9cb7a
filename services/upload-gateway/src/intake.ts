import type { Queue } from 'bullmq';
import {
  IngestError,
  policyOverridesOf,
  toIngestError,
  type Asset,
  type AssetOriginal,
  type DestinationKind,
  type UploadFields,
} from '@ingestkit/contracts';
import type { AssetRegistry } from '@ingestkit/registry';
import { enqueueStage, type Logger } from '@ingestkit/runtime';

export interface IntakeDeps {
  registry: AssetRegistry;
  validateQueue: Queue;
  defaultDestination: DestinationKind;
  logger: Logger;
}

export interface AcceptInput {
  assetId: string;
  fields: UploadFields;
  fileName: string;
  original: AssetOriginal;
  receivedAt: Date;
}

/**
 * Records a new asset as `queued` and enqueues its validation. If the job cannot be added the
 * asset is marked `failed` (retryable through the API) and the error is rethrown, so the
 * client sees the 503 and no asset waits for a job that does not exist.
 */
export function createIntake(deps: IntakeDeps) {
  return async function acceptAsset(input: AcceptInput): Promise<Asset> {
    const now = new Date();
    const overrides = policyOverridesOf(input.fields);
    const asset: Asset = {
      id: input.assetId,
      status: 'queued',
      destination: input.fields.destination ?? deps.defaultDestination,
      policy: input.fields.policy ?? 'default',
      ...(overrides ? { overrides } : {}),
      fileName: input.fields.fileName ?? sanitizeFileName(input.fileName),
      ...(input.fields.folder ? { folder: input.fields.folder } : {}),
      tags: input.fields.tags ?? [],
      metadata: input.fields.metadata ?? {},
      original: input.original,
      timings: {
        upload: {
          startedAt: input.receivedAt.toISOString(),
          finishedAt: now.toISOString(),
          durationMs: now.getTime() - input.receivedAt.getTime(),
        },
      },
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await deps.registry.create(asset);
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
  };
}

export type AcceptAsset = ReturnType<typeof createIntake>;

/** Keeps a client's file name readable but safe in keys and headers. */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 200);
  return cleaned.length > 0 ? cleaned : 'image';
}
