import type { Queue } from 'bullmq';
import { importedAssetId, isIngestError, queueNames, type ImportListJob } from '@ingestkit/contracts';
import { enqueueStage, type StageProcessor } from '@ingestkit/runtime';
import { listS3ObjectsPage, type createS3Client, type ListedObject } from '@ingestkit/storage';
import type { Intake } from '../intake/intake';
import type { ImportRecord, ImportStore } from './import-store';

export interface ImportListerDeps {
  store: ImportStore;
  intake: Intake;
  /** Reads the source buckets; undefined when no SOURCE_BUCKETS are configured. */
  s3: ReturnType<typeof createS3Client> | undefined;
  listQueue: Queue<ImportListJob>;
  /** Rejects with `backlog_full` while the ingest backlog is above its bound; `jobs`: how many are about to be added. */
  assertBacklogBelowBound(jobs?: number): Promise<void>;
  /** Objects per listing page (S3's maximum, 1000, by default). */
  pageSize?: number;
  /** How long to wait before checking the backlog again (default 1 s). */
  backlogPollMs?: number;
}

/** Objects of a page accepted at once: enough to overlap Redis round trips. */
const ACCEPT_CONCURRENCY = 32;

/**
 * `import.list`: one listing page of a bucket import per job. It waits while the ingest backlog
 * is full (imports never push past the gateway's backpressure), lists the page from the saved
 * continuation point, accepts every object as a bucket job whose asset is named by bucket, key
 * and ETag (so a page that runs twice after a crash, or a later import of the same objects,
 * creates nothing new), saves the page and the next point together, then adds the next page's
 * job. A job for a page that is already saved (its process died before adding the next job)
 * adds the next job and stops; a cancelled import stops listing.
 */
export function importLister(deps: ImportListerDeps): StageProcessor<typeof queueNames.importList> {
  const addPage = (importId: string, page: number) =>
    enqueueStage(deps.listQueue, { version: 1, importId, page } as ImportListJob);

  async function waitForRoom(record: ImportRecord, jobs: number): Promise<boolean> {
    for (;;) {
      if ((await deps.store.get(record.id))?.isCancelled) return false;
      try {
        await deps.assertBacklogBelowBound(jobs);
        return true;
      } catch (err) {
        if (!isIngestError(err) || err.code !== 'backlog_full') throw err;
        await new Promise((resolve) => setTimeout(resolve, deps.backlogPollMs ?? 1_000));
      }
    }
  }

  async function accept(record: ImportRecord, object: ListedObject): Promise<string> {
    const { bucket } = record.source;
    const asset = await deps.intake.acceptAsset({
      assetId: importedAssetId({ bucket, key: object.key, etag: object.etag }),
      options: { ...record.options, metadata: { ...record.options.metadata, importId: record.id } },
      source: { bucket, key: object.key },
      createdBy: record.createdBy,
      fileName: object.key.split('/').filter(Boolean).pop() ?? object.key,
    });
    return asset.id;
  }

  return {
    queue: queueNames.importList,
    async process({ importId, page }, { logger }) {
      logger.setBindings({ importId, page });
      const record = await deps.store.get(importId);
      if (!record || record.isCancelled || record.isListingDone) return;
      if (page < record.page) return void (await addPage(importId, record.page));
      if (page > record.page || !deps.s3) return;
      if (!(await waitForRoom(record, deps.pageSize ?? 1000))) return;
      const { bucket, prefix } = record.source;
      const listed = await listS3ObjectsPage(deps.s3, {
        bucket,
        prefix,
        ...(deps.pageSize ? { maxKeys: deps.pageSize } : {}),
        ...(record.after ? { after: record.after } : {}),
      });
      const assetIds: string[] = [];
      for (let start = 0; start < listed.objects.length; start += ACCEPT_CONCURRENCY) {
        const chunk = listed.objects.slice(start, start + ACCEPT_CONCURRENCY);
        assetIds.push(...(await Promise.all(chunk.map((object) => accept(record, object)))));
      }
      await deps.store.savePage(importId, { page, assetIds, ...(listed.nextAfter ? { nextAfter: listed.nextAfter } : {}) });
      logger.info({ objects: listed.objects.length, isLast: !listed.nextAfter }, 'import page listed and queued');
      if (listed.nextAfter) await addPage(importId, page + 1);
    },
  };
}
