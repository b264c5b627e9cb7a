import type { Job } from 'bullmq';
import type { QueueName } from '@ingestkit/contracts';
import { Cluster } from '../harness/cluster';
import type { ServiceProcess } from '../harness/service-process';
import { by, ingestMany, sleep, type Scenario, type ScenarioContext } from '../harness/scenario';

/**
 * SIGKILLs ingest workers at random moments, each time while it holds a job of the stage whose
 * turn it is (validate, optimize, deliver, notify in rotation), and starts it again at once.
 * Jobs of a killed worker come back through stall detection; one killed more often than
 * `WORKER_MAX_STALLS` fails with `worker_lost` and is retried through the API by the audit.
 */
export const workerKills: Scenario = {
  name: 'worker SIGKILLs in every stage',
  workers: 2,
  // A job in a process killed more often than WORKER_MAX_STALLS allows fails, by design.
  failuresAllowed: ['worker_lost'],
  async run(context) {
    const kills = by(context.profile, { short: 8, full: 50 });
    const ingesting = ingestMany(context, { count: kills * 2, concurrency: 4, spreadMs: kills * 600 });
    const byStage = new Map<string, number>();
    for (let index = 0; index < kills; index++) {
      const stage = Cluster.stageQueues[index % Cluster.stageQueues.length]!;
      const victim = await holderOfActiveJob(context, stage, 4_000);
      const worker = victim?.worker ?? context.cluster.workers[index % context.cluster.workers.length]!;
      const killedIn = victim ? stage : 'idle';
      await worker.kill();
      byStage.set(killedIn, (byStage.get(killedIn) ?? 0) + 1);
      await worker.start();
      await sleep(Math.random() * 400);
    }
    await ingesting;
    context.notes.push(`${kills} worker SIGKILLs: ${[...byStage].map(([stage, n]) => `${n} in ${stage}`).join(', ')}`);
  },
};

/** The worker process running a job of `queue` right now (from the job's `processedBy`), if one shows up in time. */
export async function holderOfActiveJob(
  context: ScenarioContext,
  queue: QueueName,
  timeoutMs: number,
  accept: (job: Job) => boolean | Promise<boolean> = () => true,
): Promise<{ worker: ServiceProcess; assetId: string } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const active = await context.cluster
      .queue(queue)
      .getActive()
      .catch(() => []);
    for (const job of active) {
      const assetId = String((job.data as { assetId?: string }).assetId ?? '');
      const pid = Number(job.processedBy?.split(':').pop());
      const worker = context.cluster.workers.find((candidate) => candidate.pid === pid);
      if (worker && (await accept(job))) return { worker, assetId };
    }
    await sleep(15);
  }
  return undefined;
}
