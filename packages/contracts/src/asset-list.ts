import { z } from 'zod';
import { Asset, AssetStatus } from './asset';

/** `GET /v1/assets` query: newest first, optionally one status, `cursor` from the previous page. */
export const AssetListQuery = z.object({
  status: AssetStatus.optional(),
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
