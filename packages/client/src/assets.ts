import {
  AssetAccepted,
  AssetPage,
  terminalStatuses,
  type Asset,
  type AssetListQuery,
  type AssetMergePatch,
  type ReprocessRequest,
} from '@ingestkit/contracts';
import { IngestkitError } from './errors';
import { sleep } from './retry';
import type { Transport } from './transport';

/**
 * Filters of `assets.list()`, applied by the API (`GET /v1/assets`; every filter must hold):
 * status (deleted assets only with `status: 'deleted'`), folder exactly or `folderPrefix` and
 * below, tag, policy, destination, creation time.
 */
export type ListAssetsOptions = Partial<Omit<AssetListQuery, 'limit' | 'cursor'>> & {
  /** Page size (1–200, default 100). */
  pageSize?: number;
  signal?: AbortSignal;
};

/** How `waitForAsset` polls. */
export interface WaitOptions {
  /** Give up after this long (default 10 min) with `timeout`. */
  timeoutMs?: number;
  /** First poll interval (default 250 ms), growing to `maxIntervalMs` (default 2 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
}

/** The asset routes: get, list (all pages), update (tags, metadata), retry, delete, and waiting for an outcome. */
export function createAssetsApi(transport: Transport) {
  const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});
  async function get(id: string, options: { signal?: AbortSignal } = {}): Promise<Asset> {
    const path = `/v1/assets/${encodeURIComponent(id)}`;
    return (await transport.json({ method: 'GET', path, ...withSignal(options.signal) }, AssetAccepted)).asset;
  }
  return {
    get,
    /**
     * Every matching asset, newest first, fetching the next page as the loop reaches it (a
     * filtered page may be short, or empty while more follow: the loop pages until the end).
     */
    async *list(options: ListAssetsOptions = {}): AsyncGenerator<Asset> {
      const { pageSize, signal, ...filters } = options;
      let cursor: string | undefined;
      do {
        const query = { ...filters, limit: pageSize ?? 100, cursor };
        const page = await transport.json({ method: 'GET', path: '/v1/assets', query, ...withSignal(signal) }, AssetPage);
        yield* page.assets;
        cursor = page.nextCursor;
      } while (cursor);
    },
    /**
     * `PATCH /v1/assets/:id`: a JSON merge patch of `tags` (replaced) and `metadata` (merged;
     * `null` removes a key). With `ifRevision` (the `revision` of the asset as you read it) the
     * edit applies only if the asset has not changed since: otherwise `precondition_failed`
     * (412). Without it the patch is idempotent, so a lost answer is safely retried.
     */
    async update(
      id: string,
      patch: AssetMergePatch,
      options: { ifRevision?: number; signal?: AbortSignal } = {},
    ): Promise<Asset> {
      const path = `/v1/assets/${encodeURIComponent(id)}`;
      const ifMatch: Record<string, string> = options.ifRevision === undefined ? {} : { 'if-match': `"${options.ifRevision}"` };
      return (
        await transport.json(
          { method: 'PATCH', path, json: patch, headers: ifMatch, ...withSignal(options.signal) },
          AssetAccepted,
        )
      ).asset;
    },
    /** `POST /v1/assets/:id/retry`: a `failed` asset resumes at the stage that failed. */
    async retry(id: string, options: { idempotencyKey?: string; signal?: AbortSignal } = {}): Promise<Asset> {
      const path = `/v1/assets/${encodeURIComponent(id)}/retry`;
      const request = { method: 'POST' as const, path, ...options };
      return (await transport.json(request, AssetAccepted)).asset;
    },
    /**
     * `DELETE /v1/assets/:id` (API keys only): the asset's tombstone (`status: deleted`, `deletedAt`,
     * `deletedBy`); its files are erased in the background. Repeating it answers the same tombstone.
     */
    async delete(id: string, options: { signal?: AbortSignal } = {}): Promise<Asset> {
      const path = `/v1/assets/${encodeURIComponent(id)}`;
      return (await transport.json({ method: 'DELETE', path, ...withSignal(options.signal) }, AssetAccepted)).asset;
    },
    /**
     * `POST /v1/assets/:id/reprocess` (API keys only): runs the pipeline again from the kept
     * original, under `request.policy`/`overrides` if given (else the asset's own). The old
     * outputs keep serving until the new ones are `ready`. `original_unavailable` (409) when no
     * original is kept.
     */
    async reprocess(
      id: string,
      request: ReprocessRequest = {},
      options: { idempotencyKey?: string; signal?: AbortSignal } = {},
    ): Promise<Asset> {
      const path = `/v1/assets/${encodeURIComponent(id)}/reprocess`;
      return (await transport.json({ method: 'POST', path, json: request, ...options }, AssetAccepted)).asset;
    },
    /**
     * `GET /v1/assets/:id/original` (API keys only): the exact bytes that were uploaded, as a
     * fetch `Response` to stream or read (`.arrayBuffer()`, `.body`); on S3 the gateway's
     * redirect to a short-lived URL is followed (without the API key). Compare its SHA-256 with
     * `asset.original.sha256`.
     */
    async original(id: string, options: { signal?: AbortSignal } = {}): Promise<Response> {
      const path = `/v1/assets/${encodeURIComponent(id)}/original`;
      return transport.raw({ method: 'GET', path, ...withSignal(options.signal) });
    },
    /** Polls the asset until it is `ready`, `rejected`, `failed` or `deleted`, and returns it then. */
    async waitFor(id: string, options: WaitOptions = {}): Promise<Asset> {
      const deadline = Date.now() + (options.timeoutMs ?? 600_000);
      let interval = options.intervalMs ?? 250;
      for (;;) {
        const asset = await get(id, withSignal(options.signal));
        if (terminalStatuses.includes(asset.status)) return asset;
        if (Date.now() + interval > deadline) {
          throw new IngestkitError({ code: 'timeout', message: `asset ${id} is still ${asset.status}`, details: { asset } });
        }
        await sleep(interval, options.signal);
        interval = Math.min(options.maxIntervalMs ?? 2_000, Math.round(interval * 1.5));
      }
    },
  };
}
