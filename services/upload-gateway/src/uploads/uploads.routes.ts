import { Router, type RequestHandler } from 'express';
import { stagingKeys, UploadFields, type DestinationKind } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import { principalOf, principalRef } from '../http/auth';
import type { Intake } from '../intake/intake';
import { receiveMultipartUpload } from './multipart-upload';
import { parseBody } from '../http/parse-body';
import { applyTokenLimits, countTokenUpload } from '../http/token-limits';
import { assetIdFor } from '../http/idempotency';

export interface UploadRoutesDeps {
  staging: ObjectStore;
  maxUploadBytes: number;
  /** Destinations this deployment delivers to; others are refused with 400. */
  destinations: readonly DestinationKind[];
  intake: Intake;
  /** Rejects with `dependency_unavailable` when the queue cannot take work. */
  assertQueueAvailable(): Promise<void>;
  /** Rejects with `backlog_full` while the ingest backlog is above its bound. */
  assertBacklogBelowBound(): Promise<void>;
  /** API key or upload token. */
  requireUploader: RequestHandler;
  idempotent: RequestHandler;
  redis: Redis;
  prefix: string;
  /** Counts the bytes of each accepted upload. */
  countBytes(bytes: number): void;
}

/** `POST /v1/uploads`: one multipart `file` streamed to staging, then queued for ingest. */
export function uploadRoutes(deps: UploadRoutesDeps): Router {
  const router = Router();
  router.post('/v1/uploads', deps.requireUploader, deps.idempotent, async (req, res) => {
    // Refuse before reading a byte of the body when the work could not be queued anyway.
    await deps.assertQueueAvailable();
    await deps.assertBacklogBelowBound();
    const principal = principalOf(res);
    const { maxBytes } = applyTokenLimits(principal, {}, deps.maxUploadBytes);
    await countTokenUpload(deps, principal);
    const receivedAt = new Date();
    const assetId = assetIdFor(res);
    res.locals.assetId = assetId;
    const key = stagingKeys.original(assetId);
    const upload = await receiveMultipartUpload(req, { store: deps.staging, key, maxBytes }).catch((err: unknown) => {
      // The body may not have been read to its end: do not reuse this connection.
      res.setHeader('Connection', 'close');
      throw err;
    });
    const asset = await (async () => {
      const fields = parseBody(
        UploadFields.refine((value) => !value.destination || deps.destinations.includes(value.destination), {
          path: ['destination'],
          message: `one of ${deps.destinations.join(', ')}`,
        }),
        upload.fields,
        'upload fields',
      );
      const { options } = applyTokenLimits(principal, fields, deps.maxUploadBytes);
      return deps.intake.acceptAsset({
        assetId,
        options,
        createdBy: principalRef(principal),
        fileName: upload.file.fileName,
        receivedAt,
        original: {
          key,
          bytes: upload.file.bytes,
          sha256: upload.file.sha256,
          format: upload.file.format,
          ...(upload.file.declaredType ? { contentType: upload.file.declaredType } : {}),
        },
      });
    })().catch(async (err: unknown) => {
      // Keep the original of an asset that exists (a retried request whose first try got that
      // far); when Redis cannot tell, the staging janitor decides later.
      const recorded = await deps.intake.isRecorded(assetId).catch(() => true);
      if (!recorded) await deps.staging.delete(key).catch(() => {});
      throw err;
    });
    deps.countBytes(upload.file.bytes);
    res.status(202).location(`/v1/assets/${asset.id}`).json({ asset });
  });
  return router;
}
