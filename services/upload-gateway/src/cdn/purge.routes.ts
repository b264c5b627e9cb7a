import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import { IngestError, PurgeId, PurgeRequestBody } from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import { requestPurge, type PurgeStore } from '@ingestkit/purge';

export interface PurgeRoutesDeps {
  store: PurgeStore;
  queue: Queue;
  /** The CDN URL endpoints purges may target (ImageKit's `IMAGEKIT_URL_ENDPOINT`); none disables the routes. */
  urlEndpoints: readonly string[];
  maxUrlsPerCall: number;
  requireAuth: RequestHandler;
  /** Idempotency-Key handling (replays a stored 2xx answer). */
  idempotent: RequestHandler;
  assertQueueAvailable(): Promise<void>;
}

/**
 * `POST /v1/purge` (`{urls}` → `202 {purge}`) and `GET /v1/purge/:id`, for backend apps whose
 * content changed under a URL they cannot version. The purge service batches, deduplicates and
 * collapses the URLs into the fewest CDN purges; the purge record shows how each URL was covered.
 */
export function purgeRoutes(deps: PurgeRoutesDeps): Router {
  const router = Router();
  const assertEnabled = () => {
    if (deps.urlEndpoints.length === 0) {
      throw new IngestError('not_found', 'purging needs a CDN: configure ImageKit (IMAGEKIT_* keys) on this gateway');
    }
  };
  router.post('/v1/purge', deps.requireAuth, jsonBody({ limit: '2mb' }), deps.idempotent, async (req, res) => {
    assertEnabled();
    const body = PurgeRequestBody.safeParse(req.body);
    if (!body.success) throw new IngestError('bad_request', 'expected a JSON body {"urls": ["https://…", …]}');
    if (body.data.urls.length > deps.maxUrlsPerCall) {
      throw new IngestError('bad_request', `at most ${deps.maxUrlsPerCall} URLs per call`, {
        details: { max: deps.maxUrlsPerCall, received: body.data.urls.length },
      });
    }
    const urls = [...new Set(body.data.urls.map((url, index) => purgeableUrl(url, index, deps.urlEndpoints)))];
    await deps.assertQueueAvailable();
    const purge = await requestPurge({ store: deps.store, queue: deps.queue }, { urls, reason: 'api' });
    res.status(202).location(`/v1/purge/${purge.id}`).json({ purge });
  });
  router.get('/v1/purge/:id', deps.requireAuth, async (req, res) => {
    assertEnabled();
    const id = PurgeId.safeParse(req.params.id);
    const purge = id.success ? await deps.store.get(id.data) : undefined;
    if (!purge) throw new IngestError('not_found', `purge ${String(req.params.id)} does not exist`);
    res.json({ purge });
  });
  return router;
}

/** An absolute http(s) URL without `*` under one of the endpoints, normalised and without its `#fragment`. */
function purgeableUrl(raw: string, index: number, urlEndpoints: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new IngestError('bad_request', `urls[${index}] is not an absolute URL`, { details: { index, url: raw } });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || raw.includes('*')) {
    throw new IngestError(
      'bad_request',
      `urls[${index}] must be an http(s) URL without "*" (wildcards are chosen by the purge service)`,
      {
        details: { index, url: raw },
      },
    );
  }
  url.hash = '';
  const href = url.href;
  const isUnder = urlEndpoints.some((endpoint) => {
    const base = endpoint.replace(/\/+$/, '');
    return href.startsWith(`${base}/`);
  });
  if (!isUnder) {
    throw new IngestError('url_not_purgeable', `urls[${index}] is not under the configured URL endpoint`, {
      details: { index, url: raw, urlEndpoints },
    });
  }
  return href;
}
