import { IngestError } from '@ingestkit/contracts';
import { createClientUploadAuth } from '@ingestkit/imagekit';
import type { ImageKitSettings } from '@ingestkit/runtime';
import { defineRoute, type Route } from '../http/route';

/**
 * `GET /v1/imagekit/auth`: ImageKit's authenticationEndpoint contract
 * (`{token, expire, signature, publicKey}`, a fresh token per call, expiring within the hour),
 * for browsers uploading straight to ImageKit with `@imagekit/javascript` or `@imagekit/react`.
 * The private key never leaves the gateway. `no-store`: each answer is single-use.
 */
export function imagekitRoutes(deps: { imagekit: ImageKitSettings | undefined }): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/imagekit/auth',
      summary: 'Client-side upload parameters for ImageKit ({token, expire, signature, publicKey}); one per upload',
      auth: 'apiKey',
      answers: {
        200: { description: 'Fresh parameters, expiring within 30 minutes', body: { component: 'ImageKitUploadAuth' } },
      },
      errors: [['not_found', 'ImageKit is not configured']],
      handle: (_req, res) => {
        if (!deps.imagekit) throw new IngestError('not_found', 'ImageKit is not configured on this gateway (IMAGEKIT_* keys)');
        res.setHeader('Cache-Control', 'no-store');
        res.json(
          createClientUploadAuth({
            privateKey: deps.imagekit.privateKey,
            publicKey: deps.imagekit.publicKey,
            expireInSeconds: 1800,
          }),
        );
      },
    }),
  ];
}
