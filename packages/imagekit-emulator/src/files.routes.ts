import { Router, json, type Request } from 'express';
import { ApiError, MESSAGES } from './api-error';
import { requirePrivateKey } from './basic-auth';
import { type EmulatorContext } from './context';
import { type FileRecord } from './file-store';
import { toFileDetails } from './file-views';
import { listAssets } from './list-assets';

/** File details, update, delete and version routes under `/v1/files`, all behind private-key Basic auth. */
export function filesRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  router.use('/v1/files', requirePrivateKey(ctx.privateKey), json({ limit: '1mb' }));
  const details = (file: FileRecord, versionId = file.currentVersionId) =>
    toFileDetails(file, ctx.store.version(file, versionId), ctx.urlEndpoint());
  const findFile = (req: Request): FileRecord => {
    const fileId = String(req.params.fileId);
    if (!/^[A-Za-z0-9_-]+$/.test(fileId)) throw new ApiError(400, MESSAGES.invalidFileId);
    return ctx.store.get(fileId);
  };

  router.get('/v1/files', (req, res) => {
    res.json(listAssets(ctx.store, req.query as Record<string, string | undefined>, ctx.urlEndpoint()));
  });

  router.get('/v1/files/:fileId/details', (req, res) => {
    res.json(details(findFile(req)));
  });

  router.patch('/v1/files/:fileId/details', (req, res) => {
    const file = findFile(req);
    const version = ctx.store.current(file);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (Array.isArray(body.tags)) version.tags = body.tags.map(String);
    if (body.tags === null) version.tags = null;
    if (typeof body.customCoordinates === 'string' || body.customCoordinates === null)
      version.customCoordinates = body.customCoordinates;
    if (typeof body.customMetadata === 'object' && body.customMetadata !== null) {
      // Field by field; "To unset a key, send `null` value for that key" (the SDK's FileUpdateParams).
      const merged: Record<string, unknown> = { ...version.customMetadata };
      for (const [name, value] of Object.entries(body.customMetadata as Record<string, unknown>)) {
        if (value === null) delete merged[name];
        else merged[name] = value;
      }
      version.customMetadata = merged;
    }
    if (typeof body.description === 'string') version.description = body.description;
    const publish = body.publish as { isPublished?: unknown } | undefined;
    if (typeof publish?.isPublished === 'boolean') version.isPublished = publish.isPublished;
    version.updatedAt = new Date();
    const result = details(file);
    ctx.webhooks?.emit('file.updated', result);
    res.json(result);
  });

  router.delete('/v1/files/:fileId', (req, res) => {
    const file = findFile(req);
    ctx.store.delete(file);
    ctx.webhooks?.emit('file.deleted', { fileId: file.fileId });
    res.status(204).end();
  });

  router.get('/v1/files/:fileId/versions', (req, res) => {
    const file = findFile(req);
    res.json(file.versions.map((version) => details(file, version.versionId)));
  });

  router.get('/v1/files/:fileId/versions/:versionId', (req, res) => {
    const file = findFile(req);
    res.json(details(file, String(req.params.versionId)));
  });

  router.delete('/v1/files/:fileId/versions/:versionId', (req, res) => {
    const file = findFile(req);
    const versionId = String(req.params.versionId);
    ctx.store.deleteVersion(file, versionId);
    ctx.webhooks?.emit('file-version.deleted', { fileId: file.fileId, versionId });
    res.status(204).end();
  });

  router.put('/v1/files/:fileId/versions/:versionId/restore', (req, res) => {
    const file = findFile(req);
    const version = ctx.store.restore(file, String(req.params.versionId));
    const result = details(file, version.versionId);
    ctx.webhooks?.emit('file.updated', result);
    res.json(result);
  });

  return router;
}
