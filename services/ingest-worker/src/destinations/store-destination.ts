import type { Readable } from 'node:stream';
import type { Asset, AssetOutput, DestinationKind } from '@ingestkit/contracts';
import type { ObjectStore } from '@ingestkit/storage';
import type { Destination } from './destination';

/** Delivered objects never change under a key (a new upload is a new asset and a new key). */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * A destination backed by an object store: `local` (served by the gateway under `/files/`)
 * or `s3` (behind a CDN or the bucket URL). Keys are deterministic —
 * `assets/[<folder>/]<assetId>/<name>.<ext>`, variants `…/<name>-<width>w.<ext>` — so a
 * redelivery overwrites the same objects.
 */
export function createStoreDestination(options: { kind: DestinationKind; store: ObjectStore; publicUrl: string }): Destination {
  return {
    kind: options.kind,
    async deliver({ asset, output, open, variants }) {
      const put = async (key: string, contentType: string, openBody: () => Promise<Readable>) => {
        await options.store.put({ key, body: await openBody(), contentType, cacheControl: IMMUTABLE_CACHE_CONTROL });
        return { key, url: `${options.publicUrl}/${key.split('/').map(encodeURIComponent).join('/')}` };
      };
      const delivered = [];
      for (const { variant, open: openVariant } of variants) {
        delivered.push(await put(deliveryKey(asset, variant, `-${variant.width}w`), variant.contentType, openVariant));
      }
      // The main output last: once it exists, every variant it lists does too.
      return { ...(await put(deliveryKey(asset, output), output.contentType, open)), variants: delivered };
    },
  };
}

/** `assets/[<folder>/]<assetId>/<name><suffix>.<ext>`; variants add `-<width>w` as the suffix. */
export function deliveryKey(asset: Asset, output: Pick<AssetOutput, 'format'>, suffix = ''): string {
  const base =
    asset.fileName
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'image';
  const extension = output.format === 'jpeg' ? 'jpg' : output.format;
  const folder = asset.folder ? `${asset.folder}/` : '';
  return `assets/${folder}${asset.id}/${base}${suffix}.${extension}`;
}
