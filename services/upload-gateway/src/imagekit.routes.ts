import { Router, type RequestHandler } from 'express';
import { IngestError } from '@ingestkit/contracts';
import { createClientUploadAuth } from '@ingestkit/imagekit';
import type { ImageKitSettings } from '@ingestkit/runtime';

/**
 * `GET /v1/imagekit/auth`: ImageKit's authenticationEndpoint contract
 * (`{token, expire, signature, publicKey}`, a fresh token per call, expiring within the hour),
 * for browsers uploading straight to ImageKit with `@imagekit/javascript` or `@imagekit/react`.
 * The private key never leaves the gateway. `no-store`: each answer is single-use.
 */
export function imagekitRoutes(deps: { imagekit: ImageKitSettings | undefined; requireAuth: RequestHandler }): Router {
  const router = Router();
  router.get('/v1/imagekit/auth', deps.requireAuth, (_req, res) => {
    if (!deps.imagekit) throw new IngestError('not_found', 'ImageKit is not configured on this gateway (IMAGEKIT_* keys)');
    res.setHeader('Cache-Control', 'no-store');
    res.json(
      createClientUploadAuth({ privateKey: deps.imagekit.privateKey, publicKey: deps.imagekit.publicKey, expireInSeconds: 1800 }),
    );
  });
  return router;
}
