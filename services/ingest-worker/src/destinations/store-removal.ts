import { createHash } from 'node:crypto';
import type { ObjectStore } from '@ingestkit/storage';
import { deliveryKey } from './delivery-keys';
import type { RemoveInput } from './destination';

/**
 * `remove` of a store destination (local, S3). An asset's own keys all live under
 * `assets/[<folder>/]<assetId>/`, so the whole prefix goes, whatever output was recorded. An
 * overwriting asset's keys (`assets/[<folder>/]<name>.<ext>`) are shared with later uploads of
 * the same name: each is removed only while it still holds this asset's bytes (its SHA-256
 * starts with the `?v=` of the URL delivered, or is the output's recorded hash); one that a
 * later upload replaced, or whose bytes cannot be told, is left to its new owner.
 */
export async function removeFromStore(store: ObjectStore, { asset, output }: RemoveInput): Promise<void> {
  if (!asset.overwrite) {
    const folder = asset.folder ? `${asset.folder}/` : '';
    await store.deletePrefix(`assets/${folder}${asset.id}/`);
    return;
  }
  if (!output) return;
  const owned = [
    { key: deliveryKey(asset, output), hashes: [output.sha256, versionOf(output.url)] },
    ...(output.variants ?? []).map((variant) => ({
      key: deliveryKey(asset, variant, `-${variant.width}w`),
      hashes: [versionOf(variant.url)],
    })),
  ];
  for (const { key, hashes } of owned) {
    const known = hashes.filter((hash): hash is string => hash !== undefined);
    if (known.length === 0) continue;
    const digest = await digestOf(store, key);
    if (digest && known.some((hash) => digest.startsWith(hash))) await store.delete(key);
  }
}

function versionOf(url: string | undefined): string | undefined {
  return url ? (new URL(url).searchParams.get('v') ?? undefined) : undefined;
}

async function digestOf(store: ObjectStore, key: string): Promise<string | undefined> {
  if (!(await store.head(key))) return undefined;
  const hash = createHash('sha256');
  for await (const chunk of await store.get(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
