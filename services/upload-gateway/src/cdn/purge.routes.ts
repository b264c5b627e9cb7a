import type { Queue } from 'bullmq';
import { IngestError, PurgeId, PurgeRequestBody } from '@ingestkit/contracts';
import { jsonBody } from '@ingestkit/runtime';
import { requestPurge, type PurgeStore } from '@ingestkit/purge';
import { defineRoute, type Route } from '../http/route';

export interface PurgeRoutesDeps {
  store: PurgeStore;
  queue: Queue;
  /** The CDN URL endpoints purges may target (ImageKit's `IMAGEKIT_URL_ENDPOINT`); none disables the routes. */
  urlEndpoints: readonly string[];
  maxUrlsPerCall: number;
  assertQueueAvailable(): Promise<void>;
}

const NO_CDN = 'no CDN (ImageKit) is configured on this gateway';

/**
 * `POST /v1/purge` (`{urls}` → `202 {purge}`) and `GET /v1/purge/:id`, for backend apps whose
 * content changed under a URL they cannot version. The purge service batches, deduplicates and
 * collapses the URLs into the fewest CDN purges; the purge record shows how each URL was covered.
 */
export function purgeRoutes(deps: PurgeRoutesDeps): Route[] {
  const assertEnabled = () => {
    if (deps.urlEndpoints.length === 0) {
      throw new IngestError('not_found', 'purging needs a CDN: configure ImageKit (IMAGEKIT_* keys) on this gateway');
    }
  };
  return [
    defineRoute({
      method: 'post',
      path: '/v1/purge',
      summary: 'Invalidate CDN URLs that cannot be versioned; batched, deduplicated and collapsed by the purge service',
      auth: 'apiKey',
      body: { contentType: 'application/json', schema: { component: 'PurgeRequestBody' } },
      before: [jsonBody({ limit: '2mb' })],
      idempotent: true,
      answers: {
        202: {
          description: 'Queued; poll the Location for queued → submitted → completed (or held while the monthly budget is spent)',
          body: { component: 'PurgeAccepted' },
          headers: { Location: { description: '/v1/purge/{id}' } },
        },
      },
      errors: [
        ['bad_request', 'malformed body, a wildcard or non-http(s) URL, or more URLs than allowed per call'],
        ['url_not_purgeable', 'a URL outside the configured URL endpoint'],
        ['not_found', NO_CDN],
        ['dependency_unavailable', 'the queue (Redis) is unavailable; retry later'],
      ],
      handle: async (req, res) => {
        assertEnabled();
        const urls = purgeUrlsOf(req.body, deps);
        await deps.assertQueueAvailable();
        const purge = await requestPurge({ store: deps.store, queue: deps.queue }, { urls, reason: 'api' });
        res.status(202).location(`/v1/purge/${purge.id}`).json({ purge });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/purge/:id',
      summary: 'A purge: its status, each URL with the rule (exact or wildcard) and CDN request that covered it',
      auth: 'apiKey',
      parameters: [{ name: 'id', in: 'path', description: 'A purge id (`prg_…`)', schema: PurgeId }],
      answers: {
        200: {
          description: 'The purge',
          body: { type: 'object', required: ['purge'], properties: { purge: { $ref: '#/components/schemas/Purge' } } },
        },
      },
      errors: [['not_found', `no purge with this id, or ${NO_CDN}`]],
      handle: async (req, res) => {
        assertEnabled();
        const id = PurgeId.safeParse(req.params.id);
        const purge = id.success ? await deps.store.get(id.data) : undefined;
        if (!purge) throw new IngestError('not_found', `purge ${String(req.params.id)} does not exist`);
        res.json({ purge });
      },
    }),
  ];
}

/** The distinct URLs of a purge request body, each checked and normalised (see `purgeableUrl`). */
function purgeUrlsOf(input: unknown, limits: { maxUrlsPerCall: number; urlEndpoints: readonly string[] }): string[] {
  const body = PurgeRequestBody.safeParse(input);
  if (!body.success) throw new IngestError('bad_request', 'expected a JSON body {"urls": ["https://…", …]}');
  if (body.data.urls.length > limits.maxUrlsPerCall) {
    throw new IngestError('bad_request', `at most ${limits.maxUrlsPerCall} URLs per call`, {
      details: { max: limits.maxUrlsPerCall, received: body.data.urls.length },
    });
  }
  return [...new Set(body.data.urls.map((url, index) => purgeableUrl(url, index, limits.urlEndpoints)))];
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
