import { Router, type Request, type Response } from 'express';
import { ApiError, MESSAGES } from './api-error';
import { assertPrivateKey, basicAuthUser } from './basic-auth';
import { verifyClientSignature, verifyUploadJwt } from './client-auth';
import { type EmulatorContext } from './context';
import { folderDepth, normalizeFolder, sanitizeFileName, withUniqueSuffix } from './file-name';
import { type FileRecord, type NewVersion, type VersionRecord } from './file-store';
import { toFileDetails, toUploadResponse } from './file-views';
import { inspectMedia } from './media-info';
import { readMultipart } from './multipart';
import { declaredMime, parseBoolean, parseCustomMetadata, parseList, parseTags, resolveFileBytes } from './upload-fields';

const MAX_FOLDER_DEPTH = 50;

/** `POST /api/v1/files/upload` and `POST /api/v2/files/upload` (both on the same origin as the management API). */
export function uploadRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  router.post('/api/v1/files/upload', (req, res) => handleUpload(ctx, req, res, 'v1'));
  router.post('/api/v2/files/upload', (req, res) => handleUpload(ctx, req, res, 'v2'));
  return router;
}

async function handleUpload(ctx: EmulatorContext, req: Request, res: Response, api: 'v1' | 'v2'): Promise<void> {
  const { fields, file: part } = await readMultipart(req, ctx.maxUploadBytes);
  authenticate(ctx, req.headers.authorization, fields, api);

  if (!part && !fields.file) throw new ApiError(400, MESSAGES.missingFile);
  if (!fields.fileName) throw new ApiError(400, MESSAGES.missingFileName);
  const bytes = await resolveFileBytes(part, fields.file, ctx.maxUploadBytes);

  const folder = normalizeFolder(fields.folder);
  if (folderDepth(folder) > MAX_FOLDER_DEPTH) throw new ApiError(400, 'Folder nesting cannot be deeper than 50 levels.');
  const sanitized = sanitizeFileName(fields.fileName);
  const useUniqueFileName = parseBoolean(fields.useUniqueFileName, true);
  const name = useUniqueFileName ? withUniqueSuffix(sanitized) : sanitized;
  const existing = useUniqueFileName ? undefined : ctx.store.findByPath(`${folder}${name}`);
  if (existing && !parseBoolean(fields.overwriteFile, true)) throw new ApiError(400, MESSAGES.cannotOverwrite);

  const data = buildVersion(fields, bytes, name, part && declaredMime(part, name), existing && ctx.store.current(existing));
  let file: FileRecord;
  let version: VersionRecord;
  if (existing) {
    file = existing;
    version = ctx.store.addVersion(existing, data);
    ctx.webhooks?.emit('file-version.created', toFileDetails(file, version, ctx.urlEndpoint()));
  } else {
    file = ctx.store.create(folder, name, data);
    version = ctx.store.current(file);
    ctx.webhooks?.emit('file.created', toFileDetails(file, version, ctx.urlEndpoint()));
  }
  res.status(200).json(toUploadResponse(file, version, ctx.urlEndpoint(), parseList(fields.responseFields)));
}

/** Basic auth, or client-side auth (v1 signature / v2 JWT), never both. */
function authenticate(ctx: EmulatorContext, header: string | undefined, fields: Record<string, string>, api: 'v1' | 'v2'): void {
  const hasBasic = basicAuthUser(header) !== undefined;
  const clientAuthField = api === 'v1' ? fields.signature : fields.token;
  if (hasBasic && clientAuthField !== undefined) {
    // The token is burnt even though the request is rejected.
    if (fields.token) ctx.usedTokens.add(fields.token);
    throw new ApiError(400, api === 'v1' ? MESSAGES.bothAuth : MESSAGES.bothTokenAuth);
  }
  if (hasBasic) return assertPrivateKey(header, ctx.privateKey);
  const authContext = { privateKey: ctx.privateKey, publicKey: ctx.publicKey, usedTokens: ctx.usedTokens };
  if (api === 'v2') {
    if (fields.token === undefined) throw new ApiError(401, MESSAGES.missingPrivateKey);
    return verifyUploadJwt(fields, authContext);
  }
  if (fields.signature === undefined && fields.token === undefined && fields.publicKey === undefined) {
    throw new ApiError(401, MESSAGES.missingPrivateKey);
  }
  verifyClientSignature(fields, authContext);
}

/** The new version's data; on overwrite, omitted tags/metadata are kept only when `overwriteTags`/`overwriteCustomMetadata` is false. */
function buildVersion(
  fields: Record<string, string>,
  bytes: Buffer,
  name: string,
  partMime: string | undefined,
  previous: VersionRecord | undefined,
): NewVersion {
  const media = inspectMedia(bytes, name);
  if (partMime && media.width === undefined && media.mime === 'application/octet-stream') media.mime = partMime;
  const tags = parseTags(fields.tags);
  const customMetadata = parseCustomMetadata(fields.customMetadata);
  const keepTags = previous && !parseBoolean(fields.overwriteTags, true);
  const keepMetadata = previous && !parseBoolean(fields.overwriteCustomMetadata, true);
  return {
    bytes,
    size: bytes.length,
    media,
    tags: tags ?? (keepTags ? previous.tags : null),
    customMetadata: customMetadata ?? (keepMetadata ? previous.customMetadata : {}),
    customCoordinates: fields.customCoordinates ?? null,
    isPrivateFile: parseBoolean(fields.isPrivateFile, false),
    isPublished: parseBoolean(fields.isPublished, true),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
  };
}
