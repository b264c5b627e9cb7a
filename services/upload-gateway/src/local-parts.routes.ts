import { Router } from 'express';
import { IngestError } from '@ingestkit/contracts';
import { verifyLocalPart, type LocalMultipartUploads } from '@ingestkit/storage';
import { ByteLimit } from './byte-limit';

export interface LocalPartRoutesDeps {
  multipart: LocalMultipartUploads;
  /** The derived local-upload secret (see signing-keys.ts). */
  secret: string;
  /** No part may be larger than the whole upload may be. */
  maxUploadBytes: number;
}

/**
 * `PUT /v1/local-uploads/parts/:uploadId/:partNumber?key&expires&signature`: one part of a
 * multipart upload on the local store, at a URL the gateway signed. No API key: the signature
 * is the authorization (403 `signature_invalid` / `url_expired`). Answers the part's `ETag`
 * (quoted MD5, as S3), which Uppy reads (CORS exposes it). Re-sending a part replaces it, as on
 * S3, so these URLs are not single use. Mount before the single-upload routes.
 */
export function localPartRoutes(deps: LocalPartRoutesDeps): Router {
  const router = Router();
  router.put('/v1/local-uploads/parts/:uploadId/:partNumber', async (req, res) => {
    const ref = verifyLocalPart({
      uploadId: String(req.params.uploadId),
      partNumber: String(req.params.partNumber),
      query: req.query as Record<string, unknown>,
      secret: deps.secret,
    });
    if (Number(req.headers['content-length'] ?? 0) > deps.maxUploadBytes) {
      res.setHeader('Connection', 'close');
      throw new IngestError('payload_too_large', `a part may not be larger than ${deps.maxUploadBytes} bytes`, {
        details: { maxBytes: deps.maxUploadBytes },
      });
    }
    const limit = new ByteLimit(deps.maxUploadBytes);
    req.on('error', (err) => limit.destroy(err));
    const { etag } = await deps.multipart.putPart({ ...ref, body: req.pipe(limit) }).catch((err: unknown) => {
      res.setHeader('Connection', 'close');
      throw err;
    });
    res.setHeader('ETag', etag);
    res.status(200).end();
  });
  return router;
}
