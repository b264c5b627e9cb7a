import type { Asset, AssetStatus, Stage, StageTiming } from '@ingestkit/contracts';

/** Arguments of {@link AssetRegistry.list}. */
export interface ListAssetsInput {
  status?: AssetStatus;
  /** Page size, at least 1. */
  limit: number;
  cursor?: string;
}
import type { VersionInput, VersionMerge } from './versions';

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
  /**
   * A page of assets, newest `createdAt` first (ties by id), all or those in one status; pass
   * `nextCursor` back to get the next page (absent on the last one). Assets changing status
   * while a client pages may be seen twice or not at all, as with any live cursor.
   * `IngestError('bad_request')` for a cursor this registry did not hand out.
   */
  list(query: ListAssetsInput): Promise<{ assets: Asset[]; nextCursor?: string }>;
  /** Applies the patch; `IngestError('not_found')` if the asset does not exist. */
  update(id: string, patch: AssetPatch): Promise<Asset>;
  /**
   * Atomically moves the asset to `to` (with `patch`) if its status is one of `from`.
   * Returns the updated asset, or `null` when the asset is in another status (nothing changed).
   * A transition that changes the status to `ready`, `rejected` or `failed` records the
   * notification it implies (`asset.ready`, …) in the same atomic step (the adapter's outbox),
   * each with its own id; a refused or repeated transition records none.
   * `IngestError('not_found')` if the asset does not exist.
   */
  transition(id: string, input: TransitionInput): Promise<Asset | null>;
  recordTiming(id: string, stage: Stage, timing: StageTiming): Promise<void>;
  /**
   * Remembers which asset an ImageKit file belongs to (`findByImageKitFileId`). Repeating it is
   * harmless; indexing the file to another asset replaces the entry.
   */
  indexImageKitFile(fileId: string, assetId: string): Promise<void>;
  /** The asset indexed for an ImageKit file, or `null`. Does not check that the asset still exists. */
  findByImageKitFileId(fileId: string): Promise<string | null>;
  /**
   * Adds a version to the asset's `versions` (or refreshes a known `versionId`) and marks only
   * the newest live one current, atomically: concurrent and repeated calls lose nothing.
   * Returns the asset and the version this call made non-current, if any (see `mergeVersion`).
   * A version new to the asset records one `asset.version.created` notification atomically with
   * it; refreshing a known version records none.
   * `IngestError('not_found')` if the asset does not exist.
   */
  recordVersion(assetId: string, version: VersionInput): Promise<VersionMerge & { asset: Asset }>;
  /**
   * Marks one version, or every version when `versionId` is absent (the file was deleted), as
   * deleted at `deletedAt`; the entries stay as history. Atomic like `recordVersion`.
   */
  recordVersionDeletion(assetId: string, deletion: { versionId?: string; deletedAt: string }): Promise<Asset>;
}
