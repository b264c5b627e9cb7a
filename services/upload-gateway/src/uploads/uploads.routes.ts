import { ImageContentType, UploadFields, type DestinationKind } from '@ingestkit/contracts';
import type { HashPool, ObjectStore } from '@ingestkit/storage';
import { principalOf, principalRef } from '../http/auth';
import { assetIdFor } from '../http/idempotency';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route } from '../http/route';
import { schemaOf } from '../docs/openapi-schema';
import type { Admission } from '../intake/admission';
import type { Intake } from '../intake/intake';
import { receiveMultipartUpload } from './multipart-upload';

export interface UploadRoutesDeps {
  staging: ObjectStore;
  intake: Intake;
  admission: Admission;
  /** Destinations this deployment delivers to (the form's `destination` choices). */
  destinations: readonly DestinationKind[];
  /** Counts the bytes of each accepted upload. */
  countBytes(bytes: number): void;
  /** The service's hashing threads (inline without). */
  hashPool?: HashPool;
}

/**
 * `POST /v1/uploads`: one multipart `file` streamed to staging, then queued for ingest. The form
 * fields sent before the file are admitted when the file begins, so a refused folder or policy
 * costs no write; fields sent after the file are checked against the same limits once it is stored.
 */
export function uploadRoutes(deps: UploadRoutesDeps): Route[] {
  const fieldsSchema = deps.admission.forDeployment(UploadFields);
  const form = schemaOf(UploadFields, 'input') as { properties: Record<string, unknown> };
  const upload = defineRoute({
    method: 'post',
    path: '/v1/uploads',
    summary:
      'Upload one image (multipart/form-data, streamed to staging; fields before the file) and queue it. ' +
      'The body is streamed, not hashed: an Idempotency-Key replays the first answer for a body of the same length',
    auth: 'uploader',
    idempotent: true,
    body: {
      contentType: 'multipart/form-data',
      schema: {
        type: 'object',
        required: ['file'],
        properties: {
          ...form.properties,
          destination: { type: 'string', enum: deps.destinations },
          file: { type: 'string', format: 'binary' },
        },
      },
      encoding: { file: { contentType: ImageContentType.options.join(', ') } },
    },
    answers: {
      202: {
        description: 'Accepted and queued; poll the Location',
        body: { component: 'AssetAccepted' },
        headers: { Location: { description: '/v1/assets/{id}' } },
      },
    },
    errors: [
      'missing_file',
      'too_many_files',
      ['upload_incomplete', 'the body ended early'],
      ['bad_request', 'invalid fields'],
      ['forbidden', 'outside the upload token limits'],
      ['payload_too_large', 'nothing was kept'],
      ['unsupported_media_type', 'the first bytes are not an accepted image'],
      ['dependency_unavailable', 'Redis is down; retry later'],
      ['backlog_full', 'the ingest backlog is full; retry after Retry-After'],
      ['storage_read_only', 'staging refuses writes; nothing was kept'],
      ['storage_full', 'the staging store has no space left; nothing was kept; retry after Retry-After'],
    ],
    handle: async (req, res) => {
      // Refuse before reading a byte of the body when the work could not be queued anyway.
      await deps.admission.assertCanQueue({ backlog: true });
      const principal = principalOf(res);
      const receivedAt = new Date();
      const assetId = assetIdFor(res);
      res.locals.assetId = assetId;
      const upload = await receiveMultipartUpload(req, {
        store: deps.staging,
        maxBytes: deps.admission.maxBytesOf(principal),
        hashPool: deps.hashPool,
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
    },
  });
  return [upload];
}
