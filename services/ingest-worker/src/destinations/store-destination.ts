import type { Asset, AssetOutput, DestinationKind } from '@ingestkit/contracts';
import type { ObjectStore } from '@ingestkit/storage';
import type { Destination } from './destination';

/** Delivered objects never change under a key (a new upload is a new asset and a new key). */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * A destination backed by an object store: `local` (served by the gateway under `/files/`)
 * or `s3` (behind a CDN or the bucket URL). The key is deterministic:
 * `assets/[<folder>/]<assetId>/<name>.<ext>`.
 */
export function createStoreDestination(options: { kind: DestinationKind; store: ObjectStore; publicUrl: string }): Destination {
  return {
    kind: options.kind,
    async deliver({ asset, output, open }) {
      const key = deliveryKey(asset, output);
      await options.store.put({
        key,
        body: await open(),
        contentType: output.contentType,
        cacheControl: IMMUTABLE_CACHE_CONTROL,
      });
      return { key, url: `${options.publicUrl}/${key.split('/').map(encodeURIComponent).join('/')}` };
    },
  };
}

export function deliveryKey(asset: Asset, output: AssetOutput): string {
  const base =
    asset.fileName
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'image';
  const extension = output.format === 'jpeg' ? 'jpg' : output.format;
  const folder = asset.folder ? `${asset.folder}/` : '';
  return `assets/${folder}${asset.id}/${base}.${extension}`;
}
