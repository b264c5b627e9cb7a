import type { Asset, AssetOutput } from '@ingestkit/contracts';
import type { ImageKitAdapter } from '@ingestkit/imagekit';
import type { Destination } from './destination';

/**
 * Delivers to ImageKit through the adapter. The path is deterministic per asset
 * (`/<folder>/<name>_<assetId>.<ext>`, `useUniqueFileName: false`), and before uploading the
 * destination looks for a file already at that path: a previous attempt that uploaded and then
 * timed out or crashed is found and reused, so a retry never creates a second file or version.
 */
export function createImageKitDestination(options: { client: ImageKitAdapter }): Destination {
  return {
    kind: 'imagekit',
    async deliver({ asset, output, open }) {
      const { folder, fileName } = imagekitPath(asset, output);
      const existing = (await options.client.listFiles({ path: folder, name: fileName })).find((file) => file.name === fileName);
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
      return {
        key: file.filePath,
        url: file.url,
        variants: [], // ImageKit makes variants on request (`tr=w-…`); staged ones are not uploaded
        imagekit: { fileId: file.fileId, versionId: file.versionId, filePath: file.filePath },
      };
    },
  };
}

export function imagekitPath(asset: Asset, output: AssetOutput): { folder: string; fileName: string } {
  const base =
    asset.fileName
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'image';
  const extension = output.format === 'jpeg' ? 'jpg' : output.format;
  return { folder: `/${asset.folder ?? ''}`, fileName: `${base}_${asset.id}.${extension}` };
}
