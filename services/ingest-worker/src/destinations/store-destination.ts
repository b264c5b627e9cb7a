import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { Asset, AssetOutput, DestinationKind } from '@ingestkit/contracts';
import type { ObjectStore } from '@ingestkit/storage';
import type { Destination } from './destination';

/** Delivered objects never change under a key (a new upload is a new asset and a new key). */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * A destination backed by an object store: `local` (served by the gateway under `/files/`)
 * or `s3` (behind a CDN or the bucket URL). The key is deterministic:
 * `assets/[<folder>/]<assetId>/<name>.<ext>`, or `assets/[<folder>/]<name>.<ext>` for an
 * overwriting upload (`asset.overwrite`), which replaces the object an earlier upload left there. The URL carries a content version,
 * `?v=<first 16 hex digits of the SHA-256 of the bytes>`, so if a key is ever written again with
 * other bytes (a re-run with another policy), the URL changes too and no CDN purge is needed.
 */
export function createStoreDestination(options: { kind: DestinationKind; store: ObjectStore; publicUrl: string }): Destination {
  return {
    kind: options.kind,
    async deliver({ asset, output, open }) {
      const key = deliveryKey(asset, output);
      const hashed = hashing(await open());
      await options.store.put({
        key,
        body: hashed.stream,
        contentType: output.contentType,
        cacheControl: IMMUTABLE_CACHE_CONTROL,
      });
      const path = key.split('/').map(encodeURIComponent).join('/');
      return { key, url: `${options.publicUrl}/${path}?v=${hashed.digest().slice(0, 16)}` };
    },
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

export function deliveryKey(asset: Asset, output: AssetOutput): string {
  const base =
    asset.fileName
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'image';
  const extension = output.format === 'jpeg' ? 'jpg' : output.format;
  const folder = asset.folder ? `${asset.folder}/` : '';
  return asset.overwrite ? `assets/${folder}${base}.${extension}` : `assets/${folder}${asset.id}/${base}.${extension}`;
}
