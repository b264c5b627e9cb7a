import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** The asset id's shape (also published in the OpenAPI document). */
export const assetIdPattern = /^ast_[A-Za-z0-9_-]{22}$/;

/** An asset id: `ast_` and 22 URL-safe base64 characters (128 random bits). */
export const AssetId = z.string().regex(assetIdPattern, 'not an asset id');
export type AssetId = z.infer<typeof AssetId>;

export function newAssetId(): AssetId {
  return `ast_${randomBytes(16).toString('base64url')}`;
}

/**
 * The asset id a request stands for, derived from a seed that identifies it (the caller and its
 * `Idempotency-Key`): the same request, retried after a crash, creates or finds the same asset.
 */
export function assetIdFrom(seed: string): AssetId {
  return `ast_${createHash('sha256').update(seed).digest().subarray(0, 16).toString('base64url')}`;
}

export function isAssetId(value: string): boolean {
  return assetIdPattern.test(value);
}
