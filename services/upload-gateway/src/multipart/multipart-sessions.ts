import { IngestError, stagingKeys, toIngestError, type Asset } from '@ingestkit/contracts';
import type { Logger, Redis } from '@ingestkit/runtime';
import { checkPartList, type MultipartUploadRef, type MultipartUploads, type UploadedPart } from '@ingestkit/storage';
import { completeDirectUpload, refuseUpload, type CompleteUploadDeps } from '../intake/complete-upload';
import { createPartBudget } from './part-budget';

export interface MultipartSessionsDeps extends CompleteUploadDeps {
  multipart: MultipartUploads;
  redis: Redis;
  prefix: string;
  logger: Logger;
}

/** What the gateway keeps about an open multipart upload (Redis, until completed or aborted). */
export interface Session extends MultipartUploadRef {
  assetId: string;
  /** The cap of this upload: the gateway's or the token's, whichever is smaller. */
  maxBytes: number;
  createdAt: number;
  /** Set once completed: the session is kept an hour more, so a retried completion gets the same answer. */
  completedAt?: number;
}

/**
 * The gateway's side of multipart uploads (Uppy's S3 routes): each upload belongs to one
 * `awaiting_upload` asset and writes its staging key (`staging/<assetId>/original`). The
 * session (upload id, cap, start time) lives in Redis, so any gateway replica serves any
 * request, a client can only name uploads the gateway started, and the sweeper finds
 * abandoned ones: a sorted set of open sessions by start time.
 */
export function createMultipartSessions(deps: MultipartSessionsDeps) {
  const sessionKey = (assetId: string) => `${deps.prefix}:multipart:${assetId}`;
  const openKey = `${deps.prefix}:multipart:open`;
  const budget = createPartBudget(deps);

  async function forget(assetId: string): Promise<void> {
    await deps.redis.multi().zrem(openKey, assetId).del(sessionKey(assetId)).exec();
    await budget.forget(assetId);
  }

  const reject = (assetId: string, error: IngestError) => refuseUpload(deps, assetId, error);

  return {
    /** The byte accounting of the open uploads (see part-budget.ts). */
    budget,

    /** Starts the store's multipart upload for a new asset's staging key and records the session. */
    async start(input: { assetId: string; contentType: string; maxBytes: number }): Promise<MultipartUploadRef> {
      const key = stagingKeys.original(input.assetId);
      const ref = await deps.multipart.create({ key, contentType: input.contentType });
      const session: Session = { ...ref, assetId: input.assetId, maxBytes: input.maxBytes, createdAt: Date.now() };
      await deps.redis
        .multi()
        .set(sessionKey(input.assetId), JSON.stringify(session))
        .zadd(openKey, session.createdAt, input.assetId)
        .exec();
      return ref;
    },

    /**
     * The open session for `key` + `uploadId`; `not_found` when the key is no staging key, or
     * the gateway started no such upload for it (unknown id, finished, or another asset's).
     */
    async find(ref: MultipartUploadRef): Promise<Session> {
      const assetId = stagingKeys.assetIdOfOriginal(ref.key);
      const raw = assetId ? await deps.redis.get(sessionKey(assetId)) : null;
      const session = raw === null ? undefined : (JSON.parse(raw) as Session);
      if (!session || session.uploadId !== ref.uploadId) {
        throw new IngestError('not_found', 'no open multipart upload with this uploadId and key', {
          details: { key: ref.key },
        });
      }
      return session;
    },

    /**
     * Completes the upload. Before anything is joined: refuses (400 `bad_request`) a part list
     * with duplicate, out-of-order or never uploaded part numbers, and refuses the upload
     * (aborted, asset `rejected`, 413) when the listed parts add up to more than the cap. Then
     * assembles it and runs the same verification and enqueueing as
     * `POST /v1/assets/:id/complete` — which checks the size of the assembled object again, so
     * the cap holds on stores that cannot list parts (s3rver).
     */
    async complete(session: Session, parts: Array<{ partNumber: number; etag: string }>): Promise<Asset> {
      if (session.completedAt !== undefined) {
        const asset = await deps.registry.get(session.assetId);
        if (!asset) throw new IngestError('not_found', `asset ${session.assetId} does not exist`);
        return asset;
      }
      checkPartList(parts);
      const listed = await deps.multipart.listParts(session).catch((err: unknown) => {
        // Where the store cannot list parts, the completed object is checked below instead.
        if (toIngestError(err).code === 'storage_error') return undefined;
        throw err;
      });
      const total = listed ? totalOf(parts, listed) : 0;
      if (total > session.maxBytes) {
        const error = new IngestError(
          'payload_too_large',
          `the upload has ${total} bytes, over the limit of ${session.maxBytes}`,
          {
            details: { maxBytes: session.maxBytes, uploadedBytes: total },
          },
        );
        await deps.multipart.abort(session);
        await forget(session.assetId);
        await reject(session.assetId, error);
        throw error;
      }
      await deps.multipart.complete({ ...session, parts });
      await budget.forget(session.assetId);
      const done: Session = { ...session, completedAt: Date.now() };
      await deps.redis
        .multi()
        .zrem(openKey, session.assetId)
        .set(sessionKey(session.assetId), JSON.stringify(done), 'EX', 3600)
        .exec();
      return (await completeDirectUpload(deps, session.assetId)).asset;
    },

    /** Whether the asset has an open (or just completed) multipart upload: its expiry is the sweeper's. */
    async hasSession(assetId: string): Promise<boolean> {
      return (await deps.redis.exists(sessionKey(assetId))) === 1;
    },

    /** Aborts the upload and rejects its asset (`upload_incomplete`). Idempotent. */
    async abort(session: Session, reason: string): Promise<void> {
      if (session.completedAt !== undefined) {
        throw new IngestError('conflict', 'this multipart upload was completed; it cannot be aborted');
      }
      await deps.multipart.abort(session);
      await forget(session.assetId);
      await reject(session.assetId, new IngestError('upload_incomplete', reason));
    },

    /**
     * Aborts every upload started more than `olderThanSeconds` ago; answers how many. Safe with
     * several gateways: a session is claimed (removed from the open set) by exactly one sweeper.
     */
    async sweep(olderThanSeconds: number, now: number = Date.now()): Promise<number> {
      const stale = await deps.redis.zrangebyscore(openKey, 0, now - olderThanSeconds * 1000, 'LIMIT', 0, 500);
      let swept = 0;
      for (const assetId of stale) {
        const raw = await deps.redis.get(sessionKey(assetId));
        if ((await deps.redis.zrem(openKey, assetId)) !== 1) continue;
        await deps.redis.del(sessionKey(assetId));
        if (raw === null) continue;
        const session = JSON.parse(raw) as Session;
        try {
          await deps.multipart.abort(session);
          // Only once the parts are gone: a session put back keeps counting its bytes.
          await budget.forget(assetId);
          await reject(assetId, new IngestError('upload_incomplete', `multipart upload abandoned for ${olderThanSeconds} s`));
          swept++;
        } catch (err) {
          // Put it back: the next sweep retries.
          await deps.redis.multi().set(sessionKey(assetId), raw).zadd(openKey, session.createdAt, assetId).exec();
          deps.logger.warn({ err: toIngestError(err), assetId }, 'could not abort an abandoned multipart upload');
        }
      }
      return swept;
    },
  };
}

export type MultipartSessions = ReturnType<typeof createMultipartSessions>;

/** The bytes of the parts a completion lists; `bad_request` for a part the store does not have. */
function totalOf(parts: ReadonlyArray<{ partNumber: number }>, stored: readonly UploadedPart[]): number {
  const sizes = new Map(stored.map((part) => [part.partNumber, part.bytes]));
  let total = 0;
  for (const { partNumber } of parts) {
    const bytes = sizes.get(partNumber);
    if (bytes === undefined) {
      throw new IngestError('bad_request', `part ${partNumber} was never uploaded`, { details: { partNumber } });
    }
    total += bytes;
  }
  return total;
}
