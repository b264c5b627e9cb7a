import type { Asset, AssetStatus, Stage, StageTiming } from '@ingestkit/contracts';

/** Fields of an asset that can change after creation; `null` removes an optional field. */
export type AssetPatch = {
  [K in 'original' | 'output' | 'error']?: Asset[K] | null;
};

export interface TransitionInput {
  /** The statuses the asset may be in for the transition to happen. */
  from: readonly AssetStatus[];
  to: AssetStatus;
  patch?: AssetPatch;
}

/**
 * Where assets live between stages. The Redis adapter keeps them next to the queues; a
 * PostgreSQL adapter can replace it for fleets larger than Redis memory should hold.
 * Every method is safe to repeat (BullMQ delivers jobs at least once).
 */
export interface AssetRegistry {
  /** Stores a new asset; `IngestError('conflict')` if the id exists. */
  create(asset: Asset): Promise<void>;
  get(id: string): Promise<Asset | null>;
  /** Applies the patch; `IngestError('not_found')` if the asset does not exist. */
  update(id: string, patch: AssetPatch): Promise<Asset>;
  /**
   * Atomically moves the asset to `to` (with `patch`) if its status is one of `from`.
   * Returns the updated asset, or `null` when the asset is in another status (nothing changed).
   * `IngestError('not_found')` if the asset does not exist.
   */
  transition(id: string, input: TransitionInput): Promise<Asset | null>;
  recordTiming(id: string, stage: Stage, timing: StageTiming): Promise<void>;
}
