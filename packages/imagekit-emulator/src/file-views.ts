import { type FileRecord, type VersionRecord } from './file-store';

/** Fields an upload response includes only when listed in `responseFields`. */
export const OPTIONAL_UPLOAD_FIELDS = [
  'tags',
  'customCoordinates',
  'isPrivateFile',
  'embeddedMetadata',
  'isPublished',
  'customMetadata',
  'metadata',
  'selectedFieldsSchema',
] as const;

/** A JSON object as the API returns it. */
export type Json = Record<string, unknown>;

/** The plain URL of a path under the endpoint, as the upload response gives it (no `updatedAt`). */
export function plainUrl(urlEndpoint: string, filePath: string): string {
  return `${urlEndpoint}${filePath}`;
}

/**
 * The upload response object (ImageKit's `Upload` schema): always-present fields, plus the optional
 * ones named in `responseFields`. The URL has no `?updatedAt=`, as in ImageKit's examples.
 */
export function toUploadResponse(file: FileRecord, version: VersionRecord, urlEndpoint: string, responseFields: string[]): Json {
  const { media } = version;
  const body: Json = {
    fileId: file.fileId,
    name: file.name,
    filePath: file.filePath,
    url: plainUrl(urlEndpoint, file.filePath),
    size: version.size,
    fileType: media.fileType,
    versionInfo: { id: version.versionId, name: version.versionName },
    AITags: null,
  };
  if (media.fileType === 'image') {
    body.thumbnailUrl = `${urlEndpoint}/tr:n-ik_ml_thumbnail${file.filePath}`;
    if (media.width !== undefined) body.width = media.width;
    if (media.height !== undefined) body.height = media.height;
  }
  if (version.description !== undefined) body.description = version.description;
  const optional: Record<(typeof OPTIONAL_UPLOAD_FIELDS)[number], unknown> = {
    tags: version.tags,
    customCoordinates: version.customCoordinates,
    isPrivateFile: version.isPrivateFile,
    embeddedMetadata: {},
    isPublished: version.isPublished,
    customMetadata: version.customMetadata,
    metadata: metadataOf(version),
    selectedFieldsSchema: {},
  };
  for (const field of OPTIONAL_UPLOAD_FIELDS) if (responseFields.includes(field)) body[field] = optional[field];
  return body;
}

/**
 * The `FileDetails` object for a version: `type: "file"` with `?updatedAt=<ms>` for the current
 * version, `type: "file-version"` with `?ik-obj-version=<token>&updatedAt=<ms>` for the others.
 */
export function toFileDetails(file: FileRecord, version: VersionRecord, urlEndpoint: string): Json {
  const isCurrent = version.versionId === file.currentVersionId;
  const updatedMs = version.updatedAt.getTime();
  const query = isCurrent ? `updatedAt=${updatedMs}` : `ik-obj-version=${version.objectVersion}&updatedAt=${updatedMs}`;
  const url = `${plainUrl(urlEndpoint, file.filePath)}?${query}`;
  const { media } = version;
  const body: Json = {
    fileId: file.fileId,
    type: isCurrent ? 'file' : 'file-version',
    name: file.name,
    filePath: file.filePath,
    tags: version.tags,
    AITags: null,
    versionInfo: { id: version.versionId, name: version.versionName },
    isPrivateFile: version.isPrivateFile,
    isPublished: version.isPublished,
    customCoordinates: version.customCoordinates,
    url,
    fileType: media.fileType,
    mime: media.mime,
    size: version.size,
    hasAlpha: media.hasAlpha ?? false,
    customMetadata: version.customMetadata,
    createdAt: (isCurrent ? file.createdAt : version.createdAt).toISOString(),
    updatedAt: version.updatedAt.toISOString(),
  };
  if (media.fileType === 'image') {
    body.thumbnail = `${url}&tr=n-ik_ml_thumbnail`;
    if (media.width !== undefined) body.width = media.width;
    if (media.height !== undefined) body.height = media.height;
  }
  if (version.description !== undefined) body.description = version.description;
  return body;
}

function metadataOf(version: VersionRecord): Json {
  const { media } = version;
  return {
    size: version.size,
    hasColorProfile: false,
    hasTransparency: media.hasAlpha ?? false,
    ...(media.width !== undefined ? { width: media.width, height: media.height } : {}),
    ...(media.mime.startsWith('image/') ? { format: media.mime.slice('image/'.length) } : {}),
  };
}
