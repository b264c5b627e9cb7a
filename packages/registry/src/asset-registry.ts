import { IngestError, isAllowedTransition } from '@ingestkit/contracts';
import type { Asset, AssetMergePatch, AssetStatus, DestinationKind, Stage, StageTiming } from '@ingestkit/contracts';

/**
 * Arguments of {@link AssetRegistry.list}. Every filter is optional; given several, an asset
 * must match all of them.
 */
export interface ListAssetsInput {
  status?: AssetStatus | undefined;
  /** Exactly this folder (as stored: no leading or trailing slash). */
  folder?: string | undefined;
  /** This folder and every folder below it: `a/b` matches `a/b` and `a/b/c`, not `a/bc`. */
  folderPrefix?: string | undefined;
  /** Assets carrying this tag (exact, case-sensitive). */
  tag?: string | undefined;
  policy?: string | undefined;
  destination?: DestinationKind | undefined;
  /** ISO datetime, inclusive: `createdAt` at or after it (millisecond precision). */
  createdAfter?: string | undefined;
  /** ISO datetime, exclusive: `createdAt` strictly before it (millisecond precision). */
  createdBefore?: string | undefined;
  /** Page size, at least 1. */
  limit: number;
  cursor?: string | undefined;
}
import type { VersionInput, VersionMerge } from './versions';

/**
 * Fields of an asset that can change after creation; `null` removes an optional field. Listing
 * follows every change of an indexed field (`tags` and `policy` here, `status` by `transition`).
 */
export type AssetPatch = {
  [K in 'original' | 'output' | 'error' | 'overrides' | 'reprocessing']?: Asset[K] | null;
} & { tags?: Asset['tags']; policy?: Asset['policy'] } & Partial<Pick<Asset, 'deletedAt' | 'deletedBy'>>;

export interface TransitionInput {
  /** The statuses the asset may be in for the transition to happen. */
  from: readonly AssetStatus[];
  to: AssetStatus;
  patch?: AssetPatch;
}

/**
 * Where assets live between stages. The Redis adapter keeps them next to the queues; a
 * PostgreSQL adapter can replace it for fleets larger than Redis memory should hold.
 * Every method is safe to repeat (BullMQ delivers jobs at least once). Every write bumps the
 * asset's `revision` in the same atomic step (creation leaves it absent: 0).
 */
export interface AssetRegistry {
  /** Stores a new asset; `IngestError('conflict')` if the id exists. */
  create(asset: Asset): Promise<void>;
  /**
   * Stores a new asset that has an `original.sha256`, unless an asset with the same original,
   * policy, destination and folder exists whose status is not `awaiting_upload`, `rejected`,
   * `failed` or `deleted` (the duplicate index, kept atomically with every write): then nothing
   * is stored and that asset's id (the oldest such) is returned; `null` when it was stored.
   * Check and write are one atomic step: of identical creations at once exactly one is stored.
   * `IngestError('conflict')` if the id exists.
   */
  createUnlessDuplicate(asset: Asset): Promise<string | null>;
  /**
   * Records `sha256` as the asset's `original.sha256` unless another asset of the same original,
   * policy, destination and folder (eligible as in `createUnlessDuplicate`) is its original: then
   * nothing is written and that asset's id is returned; `null` when recorded. Atomic: of
   * identical assets claiming at once exactly one is recorded (when their digests were recorded
   * before by other writes, the oldest wins). `IngestError('not_found')` if the asset does not exist.
   */
  claimOriginal(id: string, sha256: string): Promise<string | null>;
  /**
   * Applies a JSON merge patch of `tags` and `metadata` (see contracts' `AssetMergePatch`), bumps
   * the revision and records one `asset.updated` notification, all atomically. With
   * `ifRevisions` the write happens only if the asset's revision is one of them, compared and
   * written in one atomic step (`IngestError('precondition_failed')` otherwise).
   * `not_found` for an unknown id, `conflict` for a `deleted` asset, `bad_request` when the
   * result breaks intake's limits.
   */
  edit(id: string, input: { patch: AssetMergePatch; ifRevisions?: readonly number[] | undefined }): Promise<Asset>;
  get(id: string): Promise<Asset | null>;
  /**
   * A page of assets, newest `createdAt` first (ties by id), all or those matching every filter
   * of `query`; deleted assets (tombstones) only when `query.status` is `deleted`; pass `nextCursor` back to get the next page (absent on the last one). A page
   * holds at most `limit` assets and, when filters combine, may hold fewer (even none) while
   * `nextCursor` is present: an adapter bounds the work of one call, so a client pages until
   * `nextCursor` is absent. Never a scan of every asset: adapters answer from indexes kept in
   * the same atomic step as the writes they follow. Assets changing an indexed field while a
   * client pages may be seen twice or not at all, as with any live cursor; every asset returned
   * matched the filters when the page was read. A cursor does not depend on the filters.
   * `IngestError('bad_request')` for a cursor this registry did not hand out.
   */
  list(query: ListAssetsInput): Promise<{ assets: Asset[]; nextCursor?: string }>;
  /** Applies the patch; `IngestError('not_found')` if the asset does not exist. */
  update(id: string, patch: AssetPatch): Promise<Asset>;
  /**
   * Atomically moves the asset to `to` (with `patch`) if its status is one of `from`.
   * Returns the updated asset, or `null` when the asset is in another status (nothing changed).
   * A transition that changes the status to `ready`, `rejected`, `failed` or `deleted` records the
   * notification it implies (`asset.ready`, …, `asset.deleted`) in the same atomic step (the adapter's outbox),
   * each with its own id; a refused or repeated transition records none.
   * `IngestError('not_found')` if the asset does not exist. A move the lifecycle does not allow
   * from one of `from` to `to` is refused before anything is read (`assertLifecycleMove`).
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

/**
 * Every adapter's first step of `transition`: each status in `from` must have a move to `to` in
 * the lifecycle (`allowedTransitions` in contracts). Checked before the atomic step runs, as the
 * move is known up front: a move outside the table is a bug in its caller, so it fails loudly
 * (`lifecycle_violation`, never retried) whatever status the asset is in, instead of
 * happening, or being refused only when the asset is not in `from`.
 */
export function assertLifecycleMove(input: Pick<TransitionInput, 'from' | 'to'>): void {
  const illegal = input.from.filter((from) => !isAllowedTransition(from, input.to));
  if (input.from.length === 0 || illegal.length > 0) {
    throw new IngestError(
      'lifecycle_violation',
      `the lifecycle has no move from ${(illegal.length > 0 ? illegal : ['(no status)']).join(', ')} to ${input.to}`,
      { details: { from: input.from, to: input.to } },
    );
  }
}
