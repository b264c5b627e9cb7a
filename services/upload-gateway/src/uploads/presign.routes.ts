import { Router, type RequestHandler } from 'express';
import { IngestError, PresignRequest, stagingKeys, type DestinationKind, type PresignResponse } from '@ingestkit/contracts';
import { jsonBody, type Redis } from '@ingestkit/runtime';
import type { DirectUploadSigner } from '@ingestkit/storage';
import { principalOf, principalRef } from '../http/auth';
import type { Intake } from '../intake/intake';
import { parseBody } from '../http/parse-body';
import { applyTokenLimits, countTokenUpload } from '../http/token-limits';
import { assetIdFor } from '../http/idempotency';

export interface PresignRoutesDeps {
  signer: DirectUploadSigner;
  intake: Intake;
  maxUploadBytes: number;
  expiresInSeconds: number;
  destinations: readonly DestinationKind[];
  assertQueueAvailable(): Promise<void>;
  requireUploader: RequestHandler;
  idempotent: RequestHandler;
  redis: Redis;
  prefix: string;
}

/**
 * `POST /v1/uploads/presign`: records an `awaiting_upload` asset with a server-generated staging
 * key and answers how to upload straight to the staging store (S3 presigned PUT or POST policy;
 * the gateway's own signed URLs on the local store). The client then calls
 * `POST /v1/assets/:id/complete` (or an S3 event does).
 */
export function presignRoutes(deps: PresignRoutesDeps): Router {
  const router = Router();
  const schema = PresignRequest.refine((value) => !value.destination || deps.destinations.includes(value.destination), {
    path: ['destination'],
    message: `one of ${deps.destinations.join(', ')}`,
  });
  router.post('/v1/uploads/presign', deps.requireUploader, jsonBody({ limit: '64kb' }), deps.idempotent, async (req, res) => {
    await deps.assertQueueAvailable();
    const principal = principalOf(res);
    const request = parseBody(schema, req.body);
    const { options, maxBytes } = applyTokenLimits(principal, request, deps.maxUploadBytes);
    if (request.size > maxBytes) {
      throw new IngestError('payload_too_large', `the file is larger than the upload limit of ${maxBytes} bytes`, {
        details: { maxBytes },
      });
    }
    if (!deps.signer.methods.includes(request.method)) {
      throw new IngestError('bad_request', `the staging store does not support ${request.method} uploads`);
    }
    await countTokenUpload(deps, principal);
    const assetId = assetIdFor(res);
    res.locals.assetId = assetId;
    const key = stagingKeys.original(assetId);
    const upload = await deps.signer.sign({
      key,
      contentType: request.contentType,
      bytes: request.size,
      maxBytes: request.size,
      method: request.method,
      expiresInSeconds: deps.expiresInSeconds,
    });
    const asset = await deps.intake.awaitUpload({
      assetId,
      options,
      createdBy: principalRef(principal),
      fileName: request.fileName,
      original: { key, bytes: request.size, contentType: request.contentType },
    });
    const body: PresignResponse = { asset, upload: { ...upload, expiresAt: upload.expiresAt.toISOString() } };
    res.status(201).location(`/v1/assets/${asset.id}`).json(body);
  });
  return router;
}
