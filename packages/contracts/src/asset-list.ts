import { z } from 'zod';
import { Asset, AssetStatus, DestinationKind } from './asset';
import { AssetId } from './ids';
import { PolicyName } from './policies';
import { FolderPath, TagName } from './uploads';

/**
 * `GET /v1/assets` query: newest first, `cursor` from the previous page. Every filter is
 * optional and they combine (all must hold): `folder` is one folder exactly, `folderPrefix` a
 * folder and everything below it (`a/b` matches `a/b` and `a/b/c`, not `a/bc`); folders are
 * written as in uploads (slashes around them are dropped). `createdAfter` is inclusive and
 * `createdBefore` exclusive, so consecutive windows never share an asset. Deleted assets
 * (tombstones) are hidden unless `status` is `deleted`.
 */
export const AssetListQuery = z.object({
  status: AssetStatus.optional().describe('Only assets in this status; deleted assets are listed only with status=deleted'),
  folder: FolderPath.optional().describe('Exactly this folder'),
  folderPrefix: FolderPath.optional().describe('This folder and every folder below it (a/b: a/b and a/b/c, not a/bc)'),
  tag: TagName.optional().describe('Assets carrying this tag'),
  policy: PolicyName.optional(),
  destination: DestinationKind.optional(),
  createdAfter: z.iso.datetime({ offset: true }).optional().describe('Created at or after this instant (inclusive)'),
  createdBefore: z.iso.datetime({ offset: true }).optional().describe('Created before this instant (exclusive)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
});
export type AssetListQuery = z.infer<typeof AssetListQuery>;

/** A page of `GET /v1/assets`; `nextCursor` is absent on the last page. */
export const AssetPage = z.object({ assets: z.array(Asset), nextCursor: z.string().optional() });
export type AssetPage = z.infer<typeof AssetPage>;

/** Most failed assets one bulk retry takes; more is a second call. */
export const MAX_BULK_RETRY = 1_000;

/** `POST /v1/admin/failed/retry`: these assets, else up to `limit` failed ones, newest first. */
export const BulkRetryRequest = z.object({
  ids: z.array(AssetId).min(1).max(MAX_BULK_RETRY).optional(),
  limit: z.number().int().min(1).max(MAX_BULK_RETRY).default(100),
});
export type BulkRetryRequest = z.infer<typeof BulkRetryRequest>;

/** Its answer: the assets queued again, and why the others could not be. */
export const BulkRetryResult = z.object({
  retried: z.array(AssetId),
  errors: z.array(z.object({ id: z.string(), error: z.object({ code: z.string(), message: z.string() }) })),
});
export type BulkRetryResult = z.infer<typeof BulkRetryResult>;
