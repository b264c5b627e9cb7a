import { Router, type RequestHandler } from 'express';
import { IngestError, newAssetId, stagingKeys, UploadFields, type DestinationKind } from '@ingestkit/contracts';
import type { ObjectStore } from '@ingestkit/storage';
import type { AcceptAsset } from './intake';
import { receiveMultipartUpload } from './multipart-upload';

export interface UploadRoutesDeps {
  staging: ObjectStore;
  maxUploadBytes: number;
  /** Destinations this deployment delivers to; others are refused with 400. */
  destinations: readonly DestinationKind[];
  acceptAsset: AcceptAsset;
  /** Rejects with `dependency_unavailable` when the queue cannot take work. */
  assertQueueAvailable(): Promise<void>;
  requireAuth: RequestHandler;
}

/** `POST /v1/uploads`: one multipart `file` streamed to staging, then queued for ingest. */
export function uploadRoutes(deps: UploadRoutesDeps): Router {
  const router = Router();
  router.post('/v1/uploads', deps.requireAuth, async (req, res) => {
    // Refuse before reading a byte of the body when the work could not be queued anyway.
    await deps.assertQueueAvailable();
    const receivedAt = new Date();
    const assetId = newAssetId();
    res.locals.assetId = assetId;
    const key = stagingKeys.original(assetId);
    const upload = await receiveMultipartUpload(req, { store: deps.staging, key, maxBytes: deps.maxUploadBytes }).catch(
      (err: unknown) => {
        // The body may not have been read to its end: do not reuse this connection.
        res.setHeader('Connection', 'close');
        throw err;
      },
    );
    const fields = UploadFields.refine((value) => !value.destination || deps.destinations.includes(value.destination), {
      path: ['destination'],
      message: `one of ${deps.destinations.join(', ')}`,
    }).safeParse(upload.fields);
    if (!fields.success) {
      await deps.staging.delete(key);
      throw new IngestError('bad_request', 'invalid upload fields', {
        details: { issues: fields.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })) },
      });
    }
    const asset = await deps
      .acceptAsset({
        assetId,
        fields: fields.data,
        fileName: upload.file.fileName,
        receivedAt,
        original: {
          key,
          bytes: upload.file.bytes,
          sha256: upload.file.sha256,
          format: upload.file.format,
          ...(upload.file.declaredType ? { contentType: upload.file.declaredType } : {}),
        },
      })
      .catch(async (err: unknown) => {
        await deps.staging.delete(key).catch(() => {});
        throw err;
      });
    res.status(202).location(`/v1/assets/${asset.id}`).json({ asset });
  });
  return router;
}
