import { z } from 'zod';
import { IngestError } from './errors';
import { AssetMetadata } from './json-limits';
import { TagList } from './uploads';

/**
 * `PATCH /v1/assets/:id`: a JSON merge patch (RFC 7396) of the two fields an asset's owner may
 * change. `tags` is an array, so the patch replaces it whole (`null`: no tags); `metadata` is
 * merged key by key, recursively (`null` removes a key; `metadata: null` removes them all).
 * Any other field is refused (400 `bad_request`): status, outputs and the rest are the
 * pipeline's. The result must pass the limits intake applies (`TagList`, `AssetMetadata`).
 */
export const AssetMergePatch = z.strictObject({
  tags: TagList.nullable().optional(),
  /** Checked for depth and size as received; the merged result is checked again. */
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type AssetMergePatch = z.infer<typeof AssetMergePatch>;

/** Media types `PATCH /v1/assets/:id` accepts: the merge-patch type, and plain JSON meaning the same. */
export const mergePatchContentTypes = ['application/merge-patch+json', 'application/json'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7396 `MergePatch(target, patch)`: objects merge recursively, `null` removes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = applyMergePatch(result[name], value);
  }
  return result;
}

/**
 * The tags and metadata an asset has after `patch`, validated like intake's (`bad_request` via
 * the zod error when a limit is passed). Fields the patch leaves out are returned as they were.
 */
export function mergeAssetFields(
  current: { tags: string[]; metadata: Record<string, unknown> },
  patch: AssetMergePatch,
): { tags: string[]; metadata: Record<string, unknown> } {
  const tags = patch.tags === undefined ? current.tags : (patch.tags ?? []);
  const metadata =
    patch.metadata === undefined ? current.metadata : (applyMergePatch(current.metadata, patch.metadata ?? null) ?? {});
  const checked = z.object({ tags: TagList, metadata: AssetMetadata }).safeParse({ tags, metadata });
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || '(patch)'}: ${issue.message}`);
    throw new IngestError('bad_request', `the patched asset is invalid: ${problems.join('; ')}`, { details: { problems } });
  }
  return checked.data;
}
