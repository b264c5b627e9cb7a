import type { Asset, AssetOutput } from '@ingestkit/contracts';
import type { ImageKitAdapter, ImageKitFile } from '@ingestkit/imagekit';
import type { Destination } from './destination';

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
 * An overwriting upload (`asset.overwrite`) targets `/<folder>/<name>.<ext>`: a file already
 * there is reused only if it is this output (same size and dimensions — a previous attempt);
 * otherwise the upload adds a version to it, and `onOverwrite` reports the version it superseded.
 * The URL handed out is the versioned one, `?updatedAt=<ms>` of the version written (CONTRACTS §3):
 * a later version gets a new URL, so CDN caches never serve this one's bytes for it.
 */
export function createImageKitDestination(options: ImageKitDestinationOptions): Destination {
  return {
    kind: 'imagekit',
    async deliver({ asset, output, open }) {
      const { folder, fileName } = imagekitPath(asset, output);
      const atPath = (await options.client.listFiles({ path: folder, name: fileName })).find((file) => file.name === fileName);
      const existing = atPath && (!asset.overwrite || isSameOutput(atPath, output)) ? atPath : undefined;
      const file =
        existing ??
        (await options.client.upload({
          file: await open(),
          fileName,
          folder,
          useUniqueFileName: false,
          tags: asset.tags,
          ...(Object.keys(asset.metadata).length > 0 ? { customMetadata: asset.metadata } : {}),
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
  };
}

/** Whether a file at the path is this output already: content-addressed enough for the retry of an overwrite. */
function isSameOutput(file: ImageKitFile, output: AssetOutput): boolean {
  return file.size === output.bytes && file.width === output.width && file.height === output.height;
}

/** `url?updatedAt=<ms>`; the plain URL if ImageKit reported no time (it always does). */
function versionedUrl(url: string, updatedAt: string | undefined): string {
  const ms = updatedAt ? Date.parse(updatedAt) : NaN;
  if (!Number.isFinite(ms)) return url;
  const versioned = new URL(url);
  versioned.searchParams.set('updatedAt', String(ms));
  return versioned.href;
}

export function imagekitPath(asset: Asset, output: AssetOutput): { folder: string; fileName: string } {
  const base =
    asset.fileName
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'image';
  const extension = output.format === 'jpeg' ? 'jpg' : output.format;
  return {
    folder: `/${asset.folder ?? ''}`,
    fileName: asset.overwrite ? `${base}.${extension}` : `${base}_${asset.id}.${extension}`,
  };
}
