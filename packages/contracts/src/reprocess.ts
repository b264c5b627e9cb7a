import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Asset } from './asset';
import { AssetListQuery } from './asset-list';
import { AssetOptions } from './uploads';

/**
 * `POST /v1/assets/:id/reprocess` (optional body): the policy and overrides to derive the asset
 * with, validated as on uploads. Decided: an empty body re-derives with the asset's own policy
 * and overrides; a body naming anything sets both to exactly what it names (the policy defaults
 * to the asset's own, the overrides to none), since overrides were chosen for the old policy.
 */
export const ReprocessRequest = AssetOptions.pick({
  policy: true,
  format: true,
  quality: true,
  maxWidth: true,
  maxHeight: true,
}).strict();
export type ReprocessRequest = z.infer<typeof ReprocessRequest>;

/** A reprocess run id's shape (also published in the OpenAPI document). */
export const reprocessRunIdPattern = /^rpr_[A-Za-z0-9_-]{22}$/;

/** A reprocess run id: `rpr_` and 22 URL-safe base64 characters. */
export const ReprocessRunId = z.string().regex(reprocessRunIdPattern, 'not a reprocess run id');
export type ReprocessRunId = z.infer<typeof ReprocessRunId>;

export function newReprocessRunId(): ReprocessRunId {
  return `rpr_${randomBytes(16).toString('base64url')}`;
}

/** The run a request stands for (its caller and Idempotency-Key), so a retried request finds the same run. */
export function reprocessRunIdFrom(seed: string): ReprocessRunId {
  return `rpr_${createHash('sha256').update(`reprocess\n${seed}`).digest().subarray(0, 16).toString('base64url')}`;
}

/** Which assets a run reprocesses: the filters of `GET /v1/assets` (all must hold), without paging. */
export const ReprocessFilter = AssetListQuery.omit({ limit: true, cursor: true }).strict();
export type ReprocessFilter = z.infer<typeof ReprocessFilter>;

/** `POST /v1/reprocess`: every asset matching `filter`, reprocessed under `policy` (and overrides). */
export const ReprocessRunRequest = ReprocessRequest.extend({
  filter: ReprocessFilter.default({}),
  policy: ReprocessRequest.shape.policy.unwrap(),
}).strict();
export type ReprocessRunRequest = z.infer<typeof ReprocessRunRequest>;

/** `running` until every matching asset is done or failed; `cancelled` stops starting new ones. */
export const ReprocessRunStatus = z.enum(['running', 'done', 'cancelled']);
export type ReprocessRunStatus = z.infer<typeof ReprocessRunStatus>;

/**
 * `GET /v1/reprocess/:id`. `total` counts the assets listed so far (final once listing ends);
 * every one of them is in exactly one of `done`, `failed` and `remaining`.
 */
export const ReprocessRun = z.object({
  id: ReprocessRunId,
  filter: ReprocessFilter,
  policy: z.string(),
  status: ReprocessRunStatus,
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  remaining: z.number().int().nonnegative(),
  /** Whether every matching asset has been listed (`total` is final). */
  listed: z.boolean(),
  /** Failed assets by error code (`original_unavailable`, `conflict`, …). */
  errors: z.record(z.string(), z.number().int().nonnegative()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ReprocessRun = z.infer<typeof ReprocessRun>;

/** Body of `POST /v1/reprocess` (202), `GET /v1/reprocess/:id` and `POST /v1/reprocess/:id/cancel`. */
export const ReprocessRunAccepted = z.object({ run: ReprocessRun });
export type ReprocessRunAccepted = z.infer<typeof ReprocessRunAccepted>;

/**
 * BullMQ priority of reprocess work (a larger number runs later). BullMQ takes jobs without a
 * priority before any prioritized one, so new uploads (no priority) always go first.
 */
export const REPROCESS_PRIORITY = 100;

/** Whether the asset is being reprocessed (its reprocess has not completed). */
export function isReprocessing(asset: Pick<Asset, 'reprocessing'>): boolean {
  return asset.reprocessing !== undefined && asset.reprocessing.completedAt === undefined;
}

/**
 * The options of a stage job of this asset: a reprocess stays at {@link REPROCESS_PRIORITY}
 * through every stage (read from the asset, so a job added again after a crash keeps it too).
 */
export function stageJobOptions(asset: Pick<Asset, 'reprocessing'>): { priority?: number } {
  return isReprocessing(asset) ? { priority: REPROCESS_PRIORITY } : {};
}
