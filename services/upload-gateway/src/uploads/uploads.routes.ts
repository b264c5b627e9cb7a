import { Router, type RequestHandler } from 'express';
import { UploadFields } from '@ingestkit/contracts';
import type { ObjectStore } from '@ingestkit/storage';
import { principalOf, principalRef } from '../http/auth';
import { assetIdFor } from '../http/idempotency';
import { parseBody } from '../http/parse-body';
import type { Admission } from '../intake/admission';
import type { Intake } from '../intake/intake';
import { receiveMultipartUpload } from './multipart-upload';

export interface UploadRoutesDeps {
  staging: ObjectStore;
  intake: Intake;
  admission: Admission;
  /** API key or upload token. */
  requireUploader: RequestHandler;
  idempotent: RequestHandler;
  /** Counts the bytes of each accepted upload. */
  countBytes(bytes: number): void;
}

/**
 * `POST /v1/uploads`: one multipart `file` streamed to staging, then queued for ingest. The form
 * fields sent before the file are admitted when the file begins, so a refused folder or policy
 * costs no write; fields sent after the file are checked against the same limits once it is stored.
 */
export function uploadRoutes(deps: UploadRoutesDeps): Router {
  const router = Router();
  const fieldsSchema = deps.admission.forDeployment(UploadFields);
  router.post('/v1/uploads', deps.requireUploader, deps.idempotent, async (req, res) => {
    // Refuse before reading a byte of the body when the work could not be queued anyway.
    await deps.admission.assertCanQueue({ backlog: true });
    const principal = principalOf(res);
    const receivedAt = new Date();
    const assetId = assetIdFor(res);
    res.locals.assetId = assetId;
    const upload = await receiveMultipartUpload(req, {
      store: deps.staging,
      maxBytes: deps.admission.maxBytesOf(principal),
      keyFor: async (fields) => {
        const options = parseBody(fieldsSchema, fields, 'upload fields');
        return (await deps.admission.admit({ principal, options, assetId })).stagingKey;
      },
    }).catch((err: unknown) => {
      // The body may not have been read to its end: do not reuse this connection.
      res.setHeader('Connection', 'close');
      throw err;
    });
    const asset = await (async () => {
      const { options } = deps.admission.limit({ principal, options: parseBody(fieldsSchema, upload.fields, 'upload fields') });
      return deps.intake.acceptAsset({
        assetId,
        options,
        createdBy: principalRef(principal),
        fileName: upload.file.fileName,
        receivedAt,
        original: {
          key: upload.key,
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
      if (!recorded) await deps.staging.delete(upload.key).catch(() => {});
      throw err;
    });
    deps.countBytes(upload.file.bytes);
    res.status(202).location(`/v1/assets/${asset.id}`).json({ asset });
  });
  return router;
}
