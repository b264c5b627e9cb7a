import type { Queue } from 'bullmq';
import {
  jobIdFor,
  newPurgeId,
  purgeIdFrom,
  PurgeJob,
  queueNames,
  type PrincipalRef,
  type Purge,
  type PurgeReason,
} from '@ingestkit/contracts';
import type { PurgeStore } from './purge-store';

export interface RequestPurgeInput {
  urls: readonly string[];
  reason: PurgeReason;
  /** A deterministic id makes a retried producer track the same purge (see `purgeIdFrom`); default: a new id. */
  id?: string;
  assetId?: string;
  /** Who caused it (an upload's key or token): the purge service counts it against that key's hourly allowance. */
  causedBy?: PrincipalRef;
}

/**
 * Records a purge (every URL `queued`) and adds one `cdn.purge` job per URL. The record comes
 * first, so the purge service always finds it; both steps are idempotent for a given id, so a
 * producer that crashed between them simply calls again.
 */
export async function requestPurge(deps: { store: PurgeStore; queue: Queue }, input: RequestPurgeInput): Promise<Purge> {
  const id = input.id ?? newPurgeId();
  const purge = await deps.store.create({ id, reason: input.reason, urls: input.urls });
  // A purge recorded before (a producer's retry, or the other producer of the same id) queues
  // only what it has not submitted yet; job ids make re-adding a waiting job a no-op.
  const open = new Set(
    purge.urls.filter((entry) => entry.status === 'queued' || entry.status === 'held').map((entry) => entry.url),
  );
  const jobs = input.urls
    .filter((url) => open.has(url))
    .map((url) => {
      const data = PurgeJob.parse({
        version: 1,
        url,
        reason: input.reason,
        purgeId: id,
        ...(input.assetId ? { assetId: input.assetId } : {}),
        ...(input.causedBy ? { causedBy: input.causedBy } : {}),
      });
      return { name: queueNames.purge, data, opts: { jobId: jobIdFor(queueNames.purge, data) } };
    });
  // One round trip for the whole call; job ids make a repeated call add nothing.
  await deps.queue.addBulk(jobs);
  return purge;
}

/** The URL without its query (`?updatedAt=`, `?ik-obj-version=`) or fragment: the one CDNs cache for a path. */
export function unversionedUrl(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}

/**
 * Asks for the purge of a file version's plain URL once a newer version superseded it. The id
 * derives from the file and the version, so every producer that sees the same supersession (the
 * worker that overwrote, the webhook receiver told by ImageKit) tracks one purge, not two.
 */
export function requestSupersededPurge(
  deps: { store: PurgeStore; queue: Queue },
  input: { fileId: string; versionId: string; url: string; reason: PurgeReason; assetId?: string; causedBy?: PrincipalRef },
): Promise<Purge> {
  return requestPurge(deps, {
    id: purgeIdFrom(`${input.fileId} ${input.versionId}`),
    urls: [unversionedUrl(input.url)],
    reason: input.reason,
    ...(input.assetId ? { assetId: input.assetId } : {}),
    ...(input.causedBy ? { causedBy: input.causedBy } : {}),
  });
}
