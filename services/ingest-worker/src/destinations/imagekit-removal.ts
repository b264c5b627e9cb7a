import { isIngestError } from '@ingestkit/contracts';
import { CONTENT_HASH_FIELD, type ImageKitAdapter, type ImageKitFile } from '@ingestkit/imagekit';
import { imagekitPath } from './delivery-keys';
import type { RemoveInput } from './destination';

/**
 * `remove` of the ImageKit destination. An asset's own file (`…_<assetId>.<ext>`) is deleted
 * whole, which removes every version of it (ImageKit then sends `file.deleted`); the file is the
 * one recorded on the output, else the one at the asset's path (a delivery never recorded). An
 * overwriting asset shares its file with later uploads to the path: while its version is the
 * file's current one the file goes (older versions belong to uploads it superseded), otherwise
 * only its own version is deleted and the newer uploads keep theirs.
 */
export async function removeFromImageKit(client: ImageKitAdapter, { asset, output }: RemoveInput): Promise<void> {
  if (!output) return;
  const recorded = output.imagekit;
  if (!asset.overwrite) {
    const fileId = recorded?.fileId ?? (await atPath(client, asset, output))?.fileId;
    if (fileId) await gone(client.deleteFile(fileId));
    return;
  }
  const file = recorded ? await gone(client.getFileDetails(recorded.fileId)) : await atPath(client, asset, output);
  if (!file) return;
  const own = recorded?.versionId ?? (holds(file, output.sha256) ? file.versionId : undefined);
  if (own === undefined) return;
  if (file.versionId === own) await gone(client.deleteFile(file.fileId));
  else await gone(client.deleteFileVersion(file.fileId, own));
}

async function atPath(client: ImageKitAdapter, asset: RemoveInput['asset'], output: NonNullable<RemoveInput['output']>) {
  const { folder, fileName } = imagekitPath(asset, output);
  return (await client.listFiles({ path: folder, name: fileName })).find((file) => file.name === fileName);
}

function holds(file: ImageKitFile, sha256: string | undefined): boolean {
  return sha256 !== undefined && file.customMetadata?.[CONTENT_HASH_FIELD] === sha256;
}

/** The call's answer, or undefined when what it addressed is already gone (a repeated removal). */
async function gone<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isIngestError(err) && err.code === 'not_found') return undefined;
    throw err;
  }
}
