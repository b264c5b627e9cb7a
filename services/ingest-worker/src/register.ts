import type { Worker } from 'bullmq';
import { ingestQueues, queueNames, type QueueName } from '@ingestkit/contracts';
import { createRunGate, createStageWorker, type StageProcessor, type StageWorkerDeps } from '@ingestkit/runtime';
import { eraseProcessor, type EraseDeps } from './erase/erase.processor';
import { imagekitSyncProcessor, type ImageKitSyncDeps } from './destinations/imagekit-sync.processor';
import { notifyProcessor, type NotifyDeps } from './notify/notify.processor';
import type { StageDeps } from './stages/stage-deps';
import { deliverStage } from './stages/deliver.stage';
import { optimizeStage } from './stages/optimize.stage';
import { validateStage } from './stages/validate.stage';

/** The ingest pipeline, in order: each stage enqueues the next when it succeeds. */
export function ingestPipeline(deps: StageDeps): StageProcessor<QueueName>[] {
  return [validateStage(deps), optimizeStage(deps), deliverStage(deps)] as StageProcessor<QueueName>[];
}

/** The queues the ingest worker consumes: the pipeline, erasing deleted assets, and the notifications and ImageKit syncs its outbox relay enqueues. */
export const ingestWorkerQueues = [...ingestQueues, queueNames.erase, queueNames.notify, queueNames.imagekitSync] as const;

/** Fails at boot unless every queue of this worker has exactly one processor (other queues belong to other services). */
export function assertCatalogCovered(processors: readonly StageProcessor<QueueName>[]): void {
  for (const queue of ingestWorkerQueues) {
    const count = processors.filter((processor) => processor.queue === queue).length;
    if (count !== 1) throw new Error(`queue ${queue} has ${count} processors; exactly one is required`);
  }
}

/** One BullMQ worker per stage, one each for `ingest.erase`, `asset.notify` and `imagekit.sync` (not started: call `run()`). */
export function registerStageWorkers(
  deps: StageDeps,
  workerDeps: StageWorkerDeps,
  notify: NotifyDeps,
  erase: Pick<EraseDeps, 'purges'> = {},
  sync: Pick<ImageKitSyncDeps, 'imagekit'> = { imagekit: undefined },
): Worker[] {
  const processors = [
    ...ingestPipeline(deps),
    eraseProcessor({ ...deps, ...erase }) as StageProcessor<QueueName>,
    notifyProcessor(notify) as StageProcessor<QueueName>,
    imagekitSyncProcessor({ registry: deps.registry, imagekit: sync.imagekit }) as StageProcessor<QueueName>,
  ];
  assertCatalogCovered(processors);
  // One gate for this worker's image stages: a suspect job runs alone among all of them.
  const shared = { ...workerDeps, runGate: workerDeps.runGate ?? createRunGate() };
  return processors.map((processor) => createStageWorker(processor, shared));
}
