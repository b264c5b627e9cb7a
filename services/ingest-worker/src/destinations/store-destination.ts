import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { DestinationKind } from '@ingestkit/contracts';
import type { ObjectStore } from '@ingestkit/storage';
import { deliveryKey } from './delivery-keys';
import type { Destination } from './destination';
import { removeFromStore } from './store-removal';

/** Delivered objects never change under a key (a new upload is a new asset and a new key). */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * A destination backed by an object store: `local` (served by the gateway under `/files/`)
 * or `s3` (behind a CDN or the bucket URL). Keys are deterministic —
 * `assets/[<folder>/]<assetId>/<name>.<ext>`, variants `…/<name>-<width>w.<ext>` — so a
 * redelivery overwrites the same objects; an overwriting upload (`asset.overwrite`) drops the
 * asset id, `assets/[<folder>/]<name>.<ext>`, replacing what an earlier upload left there (never
 * another asset's own key: see delivery-keys.ts). Each
 * URL carries a content version, `?v=<first 16 hex digits of the SHA-256 of the bytes>`, so when a
 * key is written again with other bytes the URL changes too and no CDN purge is needed.
 */
export function createStoreDestination(options: { kind: DestinationKind; store: ObjectStore; publicUrl: string }): Destination {
  return {
    kind: options.kind,
    async deliver({ asset, output, open, variants }) {
      const put = async (key: string, contentType: string, openBody: () => Promise<Readable>) => {
        const hashed = hashing(await openBody());
        await options.store.put({ key, body: hashed.stream, contentType, cacheControl: IMMUTABLE_CACHE_CONTROL });
        const path = key.split('/').map(encodeURIComponent).join('/');
        return { key, url: `${options.publicUrl}/${path}?v=${hashed.digest().slice(0, 16)}` };
      };
      const delivered = [];
      for (const { variant, open: openVariant } of variants) {
        delivered.push(await put(deliveryKey(asset, variant, `-${variant.width}w`), variant.contentType, openVariant));
      }
      // The main output last: once it exists, every variant it lists does too.
      return { ...(await put(deliveryKey(asset, output), output.contentType, open)), variants: delivered };
    },
    remove: (input) => removeFromStore(options.store, input),
  };
}

/** Passes a stream through while hashing it; `digest` is valid once the stream was fully read. */
function hashing(source: Readable): { stream: PassThrough; digest(): string } {
  const hash = createHash('sha256');
  const stream = new PassThrough();
  source.on('error', (err) => stream.destroy(err));
  source.on('data', (chunk: Buffer) => hash.update(chunk));
  source.pipe(stream);
  return { stream, digest: () => hash.digest('hex') };
}
