import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IngestError, type Asset, type AssetOriginal } from '@ingestkit/contracts';
import { imageContentType } from '@ingestkit/imaging';
import type { Logger } from '@ingestkit/runtime';
import type { ObjectStore } from '@ingestkit/storage';
import type { KeptOriginals } from '../originals/kept-originals';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Copies the staged original into the originals store before the asset becomes `ready`, and
 * returns the asset's `original` with `retained` to record in the same transition (undefined:
 * nothing to record — originals are off, or the original is already kept). Staging is removed
 * only after that transition, so at every point where the worker may die the bytes exist in
 * staging, in the originals store, or both:
 * - the key is one per asset (`Originals.keyOf`), so a repeated or resumed delivery overwrites
 *   the same object instead of keeping a second one;
 * - an original already recorded and present (a repeated delivery, a reprocess) is left as it
 *   is, with its first `storedAt` and `expiresAt`: retention counts from when it was first kept;
 * - the copy is hashed as it streams and compared with `original.sha256`: a copy that differs
 *   from what was uploaded is deleted and the job retries (`storage_error`);
 * - with a retention, the expiry is indexed before the asset records it (see `RetentionIndex`).
 */
export async function keepOriginal(
  deps: { staging: ObjectStore; originals?: KeptOriginals | undefined },
  asset: Asset,
  logger: Logger,
): Promise<AssetOriginal | undefined> {
  const kept = deps.originals;
  const original = asset.original;
  if (!kept || !original) return undefined;
  if (original.retained && (await kept.originals.store.head(original.retained.key))) return undefined;
  if (!(await deps.staging.head(original.key))) {
    // Nothing to keep (staging lost it); delivery goes on, and the asset says it has no original.
    logger.warn({ key: original.key }, 'the staged original is missing; delivering without keeping it');
    return undefined;
  }
  const key = kept.originals.keyOf(asset.id);
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // `put` reports any failure; the pipeline only makes a failure on either side close both streams.
  pipeline(await deps.staging.get(original.key), hashing).catch(() => undefined);
  await kept.originals.store.put({
    key,
    body: hashing,
    ...(original.format ? { contentType: imageContentType(original.format) } : {}),
  });
  const sha256 = hash.digest('hex');
  if (original.sha256 && sha256 !== original.sha256) {
    await kept.originals.store.delete(key);
    throw new IngestError('storage_error', 'the kept copy of the original does not match its SHA-256; retrying', {
      details: { key, expected: original.sha256, actual: sha256 },
    });
  }
  const storedAt = new Date();
  const expiresAt = kept.retentionDays > 0 ? new Date(storedAt.getTime() + kept.retentionDays * DAY_MS).toISOString() : undefined;
  if (expiresAt) await kept.index.add(asset.id, expiresAt);
  return {
    ...original,
    sha256,
    retained: { key, storedAt: storedAt.toISOString(), ...(expiresAt ? { expiresAt } : {}) },
  };
}
