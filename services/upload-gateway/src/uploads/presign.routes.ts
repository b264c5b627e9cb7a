import { IngestError, PresignRequest, type PresignResponse } from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import type { DirectUploadSigner } from '@ingestkit/storage';
import { principalOf } from '../http/auth';
import { assetIdFor } from '../http/idempotency';
import { parseBody } from '../http/parse-body';
import { defineRoute, type Route } from '../http/route';
import type { Admission } from '../intake/admission';
import type { Intake } from '../intake/intake';

export interface PresignRoutesDeps {
  signer: DirectUploadSigner;
  intake: Intake;
  admission: Admission;
  expiresInSeconds: number;
}

/**
 * `POST /v1/uploads/presign`: records an `awaiting_upload` asset with a server-generated staging
 * key and answers how to upload straight to the staging store (S3 presigned PUT or POST policy;
 * the gateway's own signed URLs on the local store). The client then calls
 * `POST /v1/assets/:id/complete` (or an S3 event does).
 */
export function presignRoutes(deps: PresignRoutesDeps): Route[] {
  const schema = deps.admission.forDeployment(PresignRequest);
  const presign = defineRoute({
    method: 'post',
    path: '/v1/uploads/presign',
    summary: 'Declare a file and get a URL to upload it straight to staging (S3 PUT/POST, or the local store)',
    auth: 'uploader',
    idempotent: true,
    before: [jsonBody({ limit: '64kb' })],
    body: { contentType: 'application/json', schema: { component: 'PresignRequest' } },
    answers: {
      201: {
        description: 'The asset, awaiting its upload, and how to upload',
        body: { component: 'PresignResponse' },
        headers: { Location: { description: '/v1/assets/{id}' } },
      },
    },
    errors: [
      'bad_request',
      ['forbidden', 'outside the upload token limits'],
      ['payload_too_large', 'the declared size is over the limit'],
      ['dependency_unavailable', 'Redis is down; retry later'],
    ],
    handle: async (req, res) => {
      await deps.admission.assertCanQueue({ backlog: false });
      const request = parseBody(schema, req.body);
      if (!deps.signer.methods.includes(request.method)) {
        throw new IngestError('bad_request', `the staging store does not support ${request.method} uploads`);
      }
      const admitted = await deps.admission.admit({
        principal: principalOf(res),
        options: request,
        assetId: assetIdFor(res),
        declaredBytes: request.size,
      });
      res.locals.assetId = admitted.assetId;
      const upload = await deps.signer.sign({
        key: admitted.stagingKey,
        contentType: request.contentType,
        bytes: request.size,
        maxBytes: request.size,
        method: request.method,
        expiresInSeconds: deps.expiresInSeconds,
      });
      const asset = await deps.intake.awaitUpload(admitted, {
        fileName: request.fileName,
        bytes: request.size,
        contentType: request.contentType,
      });
      const body: PresignResponse = { asset, upload: { ...upload, expiresAt: upload.expiresAt.toISOString() } };
      res.status(201).location(`/v1/assets/${asset.id}`).json(body);
    },
  });
  return [presign];
}
