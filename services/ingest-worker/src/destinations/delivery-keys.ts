import { IngestError, isAssetId, type Asset, type AssetOutput } from '@ingestkit/contracts';
import { imagekitFilePath } from '@ingestkit/imagekit';

// Where delivered files go, for every destination. An asset's own key always has its asset id as
// the segment right before the file name (`…/<assetId>/<name>`, on ImageKit `<name>_<assetId>`);
// an overwrite key (`…/<folder>/<name>`) has no asset-id-shaped segment at all, because folder
// segments of that shape are reserved (intake refuses them, and so does the builder here, for
// assets recorded before the rule). The two namespaces are disjoint by construction: no folder
// and name can make an overwrite land on another asset's file (delivery-keys.property.test.ts).

/** `assets/[<folder>/]<assetId>/<name><suffix>.<ext>`; overwrite `assets/[<folder>/]<name><suffix>.<ext>`; variants add `-<width>w` as the suffix. */
export function deliveryKey(asset: Asset, output: Pick<AssetOutput, 'format'>, suffix = ''): string {
  const base = baseName(asset.fileName, /[^A-Za-z0-9_-]+/g, 100);
  const folder = asset.folder ? `${asset.folder}/` : '';
  return asset.overwrite
    ? `assets/${overwriteFolder(asset)}${base}${suffix}.${extensionOf(output)}`
    : `assets/${folder}${asset.id}/${base}${suffix}.${extensionOf(output)}`;
}

/**
 * ImageKit: `/<folder>/<name>_<assetId>.<ext>`; overwrite `/<folder>/<name>.<ext>`. The format is
 * `imagekitFilePath`'s (`@ingestkit/imagekit`), which the webhook receiver parses back.
 */
export function imagekitPath(asset: Asset, output: Pick<AssetOutput, 'format'>): { folder: string; fileName: string } {
  if (asset.overwrite) overwriteFolder(asset); // refuses a folder segment shaped like an asset id
  return imagekitFilePath({
    assetId: asset.id,
    fileName: asset.fileName,
    ...(asset.folder ? { folder: asset.folder } : {}),
    ...(asset.overwrite ? { overwrite: true } : {}),
    extension: extensionOf(output),
  });
}

/** The folder of an overwrite with its trailing `/` (or ''); refuses a segment shaped like an asset id. */
function overwriteFolder(asset: Asset): string {
  if (!asset.folder) return '';
  if (asset.folder.split('/').some(isAssetId)) {
    throw new IngestError('bad_request', 'an overwrite folder cannot have a segment shaped like an asset id (ast_…)', {
      details: { folder: asset.folder },
    });
  }
  return `${asset.folder}/`;
}

function baseName(fileName: string, unsafe: RegExp, maxLength: number): string {
  return (
    fileName
      .replace(/\.[^.]*$/, '')
      .replace(unsafe, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, maxLength) || 'image'
  );
}

function extensionOf(output: Pick<AssetOutput, 'format'>): string {
  return output.format === 'jpeg' ? 'jpg' : output.format;
}
