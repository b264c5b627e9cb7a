import { posix } from 'node:path';
import { isAssetId } from '@ingestkit/contracts';

// The one module that knows how ingestkit names files on ImageKit: the worker builds paths with
// `imagekitFilePath` and the webhook receiver reads the asset back with `assetIdFromImageKitPath`.
// Changing one without the other would silently break webhook matching; the round-trip property
// test (file-paths.property.test.ts) holds them together.

/** Every run of other characters in a name becomes `-`. No `_`: the `_` before the asset id is then unambiguous. */
const UNSAFE_NAME = /[^A-Za-z0-9-]+/g;
const MAX_NAME_LENGTH = 80;
/** `<name>_<assetId>[.<ext>]` at the end of a path (an asset id may itself hold `_` and `-`). */
const ASSET_FILE_NAME = /_(ast_[A-Za-z0-9_-]{22})(?:\.[^./]*)?$/;

/** What an asset's ImageKit path is made of. */
export interface ImageKitFileRef {
  assetId: string;
  /** The asset's file name as uploaded (any characters; its extension is dropped). */
  fileName: string;
  /** The asset's folder (`shop/shoes`), already checked by intake; none: the root. */
  folder?: string;
  /** `true`: the file at `<folder>/<name>` itself, shared by the uploads that overwrite it. */
  overwrite?: boolean;
  /** The delivered format's extension (`jpg`, `webp`…). */
  extension: string;
}

/**
 * Where an asset is delivered on ImageKit, as the upload API takes it: `/<folder>` and
 * `<name>_<assetId>.<ext>`; an overwrite `<name>.<ext>`, which has no `_` and so is never read
 * as an asset's own file.
 */
export function imagekitFilePath(file: ImageKitFileRef): { folder: string; fileName: string } {
  const name =
    file.fileName
      .replace(/\.[^.]*$/, '')
      .replace(UNSAFE_NAME, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MAX_NAME_LENGTH) || 'image';
  return {
    folder: `/${file.folder ?? ''}`,
    fileName: file.overwrite ? `${name}.${file.extension}` : `${name}_${file.assetId}.${file.extension}`,
  };
}

/** `/<folder>/<fileName>` as ImageKit reports it (`filePath` of its files and webhooks). */
export function joinImageKitPath(path: { folder: string; fileName: string }): string {
  return `${path.folder}/${path.fileName}`.replace(/\/+/g, '/');
}

/**
 * The asset id in a path `imagekitFilePath` made (`/<folder>/<name>_<assetId>.<ext>`), or
 * `undefined` (an overwrite path, a file ingestkit did not upload). Lets the webhook receiver find
 * the asset even when the webhook outruns the deliver stage's index write.
 */
export function assetIdFromImageKitPath(filePath: string): string | undefined {
  const id = ASSET_FILE_NAME.exec(posix.basename(filePath))?.[1];
  return id !== undefined && isAssetId(id) ? id : undefined;
}
