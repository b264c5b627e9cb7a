import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { IngestError, isAssetId, S3EventNotification, stagingKeys, toIngestError } from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import { principalOf } from '../http/auth';
import { completeDirectUpload, type CompleteUploadDeps } from '../intake/complete-upload';
import { parseBody } from '../http/parse-body';
import { assertTokenCovers } from '../http/token-limits';

export interface CompleteRoutesDeps extends CompleteUploadDeps {
  requireUploader: RequestHandler;
  requireApiKey: RequestHandler;
  idempotent: RequestHandler;
  /** The bearer MinIO/S3 notifications present (`S3_EVENTS_TOKEN`); without it only API keys may post events. */
  s3EventsToken: string | undefined;
}

/**
 * `POST /v1/assets/:id/complete` (the client finished its direct upload) and `POST /v1/events/s3`
 * (S3/MinIO object-created notifications, so an upload completes even when the client never
 * calls back). Both run the same idempotent `completeDirectUpload`.
 */
export function completeRoutes(deps: CompleteRoutesDeps): Router {
  const router = Router();
  router.post('/v1/assets/:id/complete', deps.requireUploader, deps.idempotent, async (req, res) => {
    const id = String(req.params.id);
    if (!isAssetId(id)) throw new IngestError('not_found', `asset ${id} does not exist`);
    res.locals.assetId = id;
    const principal = principalOf(res);
    if (principal.kind === 'uploadToken') {
      const existing = await deps.registry.get(id);
      if (!existing) throw new IngestError('not_found', `asset ${id} does not exist`);
      assertTokenCovers(principal, existing);
    }
    const { asset, completed } = await completeDirectUpload(deps, id);
    res
      .status(completed ? 202 : 200)
      .location(`/v1/assets/${asset.id}`)
      .json({ asset });
  });

  router.post('/v1/events/s3', eventsAuth(deps), jsonBody({ limit: '1mb' }), async (req, res) => {
    const event = parseBody(S3EventNotification, req.body, 'S3 event');
    const completed: string[] = [];
    const errors: Array<{ key: string; error: { code: string; message: string } }> = [];
    let ignored = 0;
    for (const record of event.Records) {
      const key = decodeEventKey(record.s3.object.key);
      const assetId = stagingKeys.assetIdOfOriginal(key);
      const isCreated = record.eventName === undefined || /ObjectCreated/.test(record.eventName);
      if (!assetId || !isCreated) {
        ignored++;
        continue;
      }
      try {
        if ((await completeDirectUpload(deps, assetId)).completed) completed.push(assetId);
        else ignored++;
      } catch (err) {
        const error = toIngestError(err);
        // Transient: answer 5xx so S3/MinIO delivers the event again.
        if (error.retryable) throw error;
        errors.push({ key, error: { code: error.code, message: error.message } });
      }
    }
    res.json({ completed, ignored, errors });
  });
  return router;
}

/** The events token (`Authorization: Bearer <token>` or the bare token, as MinIO sends it) or an API key. */
function eventsAuth(deps: CompleteRoutesDeps): RequestHandler {
  const expected = deps.s3EventsToken ? createHash('sha256').update(deps.s3EventsToken).digest() : undefined;
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? header;
    if (expected && presented) {
      const digest = createHash('sha256').update(presented).digest();
      if (timingSafeEqual(digest, expected)) {
        res.locals.principal = { kind: 'apiKey', id: 's3-events' };
        next();
        return;
      }
    }
    deps.requireApiKey(req, res, next);
  };
}

/** S3 URL-encodes keys in notifications (spaces as `+`); a key that does not decode is no staging key. */
function decodeEventKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}
