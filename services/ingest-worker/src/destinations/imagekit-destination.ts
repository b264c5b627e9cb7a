import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { isReprocessing, type Asset } from '@ingestkit/contracts';
import { CONTENT_HASH_FIELD, type ImageKitAdapter, type ImageKitFile } from '@ingestkit/imagekit';
import { imagekitPath } from './delivery-keys';
import type { Destination } from './destination';
import { removeFromImageKit } from './imagekit-removal';

export { imagekitPath } from './delivery-keys';

export interface ImageKitDestinationOptions {
  client: ImageKitAdapter;
  /**
   * Called after an overwriting upload replaced `superseded` (the file's previous current
   * version): its plain URL is still in CDN caches and must be purged.
   */
  onOverwrite?(input: { asset: Asset; superseded: ImageKitFile }): Promise<void>;
}

/**
 * Delivers to ImageKit through the adapter. The path is deterministic per asset
 * (`/<folder>/<name>_<assetId>.<ext>`, `useUniqueFileName: false`), and before uploading the
 * destination looks for a file already at that path: a previous attempt that uploaded and then
 * timed out or crashed is found and reused, so a retry never creates a second file or version.
 * An overwriting upload (`asset.overwrite`) targets `/<folder>/<name>.<ext>` and records the
 * SHA-256 of its bytes in the custom metadata field `CONTENT_HASH_FIELD`: a file already there is
 * reused only if it carries this output's hash (a previous attempt); otherwise the upload adds a
 * version to it, and `onOverwrite` reports the version it superseded.
 * The URL handed out is the versioned one, `?updatedAt=<ms>` of the version written (CONTRACTS §3):
 * a later version gets a new URL, so CDN caches never serve this one's bytes for it.
 */
export function createImageKitDestination(options: ImageKitDestinationOptions): Destination {
  return {
    kind: 'imagekit',
    async deliver({ asset, output, open }) {
      const { folder, fileName } = imagekitPath(asset, output);
      const atPath = (await options.client.listFiles({ path: folder, name: fileName })).find((file) => file.name === fileName);
      // An asset's own path holds only its own output. An overwrite path may hold anything, so
      // the file there is this output only if it carries these bytes' hash (equal size and
      // dimensions say nothing about the pixels). The hash is kept on the output at optimize, so
      // a replay after staging was cleaned still has it; older outputs are hashed from staging.
      // A reprocess finds its own earlier output at its path: it too is told apart by content.
      const byContent = asset.overwrite === true || isReprocessing(asset);
      const bytes = byContent && !output.sha256 ? await buffered(await open()) : undefined;
      const sha256 = byContent ? (output.sha256 ?? createHash('sha256').update(bytes!).digest('hex')) : undefined;
      const existing = atPath && (sha256 === undefined || holdsBytes(atPath, sha256)) ? atPath : undefined;
      const customMetadata = { ...asset.metadata, ...(sha256 ? { [CONTENT_HASH_FIELD]: sha256 } : {}) };
      const file =
        existing ??
        (await options.client.upload({
          file: bytes ?? (await open()),
          fileName,
          folder,
          useUniqueFileName: false,
          tags: asset.tags,
          ...(Object.keys(customMetadata).length > 0 ? { customMetadata } : {}),
        }));
      if (!existing && atPath && options.onOverwrite) await options.onOverwrite({ asset, superseded: atPath });
      const updatedAt = existing?.updatedAt ?? (await options.client.getFileDetails(file.fileId)).updatedAt;
      return {
        key: file.filePath,
        url: versionedUrl(file.url, updatedAt),
        variants: [], // ImageKit makes variants on request (`tr=w-…`); staged ones are not uploaded
        imagekit: { fileId: file.fileId, versionId: file.versionId, filePath: file.filePath },
      };
    },
    remove: (input) => removeFromImageKit(options.client, input),
  };
}

/** Whether a file at the path holds these very bytes: its recorded content hash is theirs. */
function holdsBytes(file: ImageKitFile, sha256: string): boolean {
  return file.customMetadata?.[CONTENT_HASH_FIELD] === sha256;
}

/** `url?updatedAt=<ms>`; the plain URL if ImageKit reported no time (it always does). */
function versionedUrl(url: string, updatedAt: string | undefined): string {
  const ms = updatedAt ? Date.parse(updatedAt) : NaN;
  if (!Number.isFinite(ms)) return url;
  const versioned = new URL(url);
  versioned.searchParams.set('updatedAt', String(ms));
  return versioned.href;
}

/** The whole stream in memory (the SDK buffers an upload anyway; outputs are bounded by the policy's box). */
async function buffered(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
