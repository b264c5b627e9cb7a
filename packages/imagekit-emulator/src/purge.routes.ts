import { Router, json } from 'express';
import { ApiError, MESSAGES } from './api-error';
import { requirePrivateKey } from './basic-auth';
import { type EmulatorContext } from './context';
import { checkPurgeUrl } from './purge-rules';

/** `POST /v1/files/purge` (201 `{requestId}`) and `GET /v1/files/purge/:requestId` (`Pending` → `Completed`). */
export function purgeRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const auth = requirePrivateKey(ctx.privateKey);

  router.post('/v1/files/purge', auth, json({ limit: '64kb' }), (req, res) => {
    const url = (req.body as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string' || url === '') throw new ApiError(400, MESSAGES.missingPurgeUrl);
    const check = checkPurgeUrl(url, [ctx.urlEndpoint(), `https://ik.imagekit.io/${ctx.imagekitId}`]);
    if (!check.ok) throw new ApiError(400, MESSAGES.invalidPurgeUrl);
    // ImageKit's status for an exhausted monthly quota is undocumented; 429 matches its "rate limits on purge API" wording.
    if (ctx.purges.isQuotaExhausted()) throw new ApiError(429, MESSAGES.purgeQuotaExceeded);
    const record = ctx.purges.add(url, check.path, check.isWildcard);
    res.status(201).json({ requestId: record.requestId });
  });

  router.get('/v1/files/purge/:requestId', auth, (req, res) => {
    const status = ctx.purges.status(String(req.params.requestId));
    if (status === undefined) throw new ApiError(400, MESSAGES.purgeNotFound);
    res.json({ status });
  });

  return router;
}
