import { Asset, Stage } from '@ingestkit/contracts';
import type { AssetPatch } from './asset-registry';

// One Redis hash per asset: scalar fields as strings, structured fields as JSON, timings as
// `timing:<stage>`. Fields it does not know (the outbox counter `notifySeq`) are ignored.
// `revision` is a JSON number, so the scripts can `HINCRBY` it.
const jsonFields = [
  'tags',
  'metadata',
  'overwrite',
  'createdBy',
  'overrides',
  'source',
  'original',
  'output',
  'error',
  'versions',
  'deletedBy',
  'dedupe',
  'revision',
  'reprocessing',
] as const;
const stringFields = [
  'id',
  'status',
  'destination',
  'policy',
  'fileName',
  'folder',
  'createdAt',
  'updatedAt',
  'deletedAt',
] as const;

/** The hash fields of a whole asset. */
export function encodeAsset(asset: Asset): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of stringFields) {
    const value = asset[field];
    if (value !== undefined) fields[field] = value;
  }
  for (const field of jsonFields) {
    const value = asset[field];
    if (value !== undefined) fields[field] = JSON.stringify(value);
  }
  for (const [stage, timing] of Object.entries(asset.timings)) fields[`timing:${stage}`] = JSON.stringify(timing);
  return fields;
}

/** The hash fields a patch writes; an empty string means: delete the field. */
export function encodePatch(patch: AssetPatch): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const scalar = (stringFields as readonly string[]).includes(field) && typeof value === 'string';
    fields[field] = value === null ? '' : scalar ? value : JSON.stringify(value);
  }
  return fields;
}

/**
 * The asset of a hash (`HGETALL`), validated. An ImageKit output's `url` is the versioned URL of
 * the file's current version: when a later version supersedes the one delivered (an overwrite,
 * here or on ImageKit), readers get the URL that serves the new bytes, never a URL whose CDN
 * cache still holds the old ones.
 */
export function decodeAsset(hash: Record<string, string>): Asset {
  const raw: Record<string, unknown> = { timings: {} };
  for (const field of stringFields) if (hash[field] !== undefined) raw[field] = hash[field];
  for (const field of jsonFields) if (hash[field] !== undefined) raw[field] = JSON.parse(hash[field]) as unknown;
  for (const stage of Stage.options) {
    const timing = hash[`timing:${stage}`];
    if (timing !== undefined) (raw.timings as Record<string, unknown>)[stage] = JSON.parse(timing) as unknown;
  }
  const asset = Asset.parse(raw);
  const current = asset.versions?.find((version) => version.current);
  if (current && asset.output?.imagekit) asset.output.url = current.url;
  return asset;
}
