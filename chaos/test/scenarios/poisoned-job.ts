import type { Job } from 'bullmq';
import { queueNames } from '@ingestkit/contracts';
import { by, ingestMany, ingestOne, sleep, waitTerminal, type Scenario, type ScenarioContext } from '../harness/scenario';
import { holderOfActiveJob } from './worker-kills';

/**
 * One image whose optimize job kills its worker process every time it runs (as a decoder bug
 * that takes the whole process down would), among innocent images. After WORKER_MAX_STALLS + 1
 * deaths it must end `failed` with `worker_lost` instead of looping; no innocent image may fail.
 * Then the poison is lifted (the bug fixed) and the audit's retry takes it to `ready`.
 */
export const poisonedJob: Scenario = {
  name: 'a job that kills its worker every time',
  failuresAllowed: ['worker_lost'],
  async run(context) {
    const poisoned = await ingestOne(context, { destination: 'local' });
    const innocents = ingestMany(context, {
      count: by(context.profile, { short: 10, full: 30 }),
      concurrency: 2,
      destination: 'local',
    });
    // The poison kills its process when it runs. Once it has stalled, it waits in its process
    // until the jobs already running there finish (it is active in Redis meanwhile) and only
    // then runs: killing the process before that would blame the innocent jobs for its crash.
    const isRunning = async (job: Job) =>
      jobAssetId(job) === poisoned.id && (job.stalledCounter === 0 || !(await othersActiveIn(context, job)));
    const innocentIds = () => [...context.accepted.keys()].filter((id) => id !== poisoned.id);
    let deaths = 0;
    let outcome: string | undefined;
    const deadline = Date.now() + 180_000;
    while (!outcome && Date.now() < deadline) {
      const victim = await holderOfActiveJob(context, queueNames.optimize, 1_000, (job) => isRunning(job));
      if (victim) {
        await victim.worker.kill();
        deaths++;
        await victim.worker.start();
      }
      const asset = await waitTerminal(context, poisoned.id, 1);
      if (asset) outcome = `${asset.status} ${asset.error?.code ?? ''}`.trim();
    }
    await innocents;
    const innocentsFailed = [];
    for (const id of innocentIds()) {
      const asset = await waitTerminal(context, id);
      if (asset?.status !== 'ready') innocentsFailed.push(`${id} ${asset?.status} ${asset?.error?.code ?? ''}`);
    }
    context.notes.push(`the poisoned job killed its worker ${deaths}×, then ended ${outcome ?? 'in no terminal state'}`);
    if (outcome !== 'failed worker_lost') throw new Error(`the poisoned asset ended ${outcome}, not failed worker_lost`);
    if (innocentsFailed.length > 0) throw new Error(`innocent assets did not reach ready: ${innocentsFailed.join(', ')}`);
    await sleep(0);
  },
};

/** The image stages, whose jobs a suspect job waits for (notifications run beside it). */
const imageStages = [queueNames.validate, queueNames.optimize, queueNames.deliver] as const;

function jobAssetId(job: Job): string {
  return String((job.data as { assetId?: string }).assetId ?? '');
}

/** Whether the process holding `job` holds another job of an image stage. */
async function othersActiveIn(context: ScenarioContext, job: Job): Promise<boolean> {
  for (const queue of imageStages) {
    const active = await context.cluster
      .queue(queue)
      .getActive()
      .catch(() => []);
    if (active.some((other) => other.id !== job.id && other.processedBy === job.processedBy)) return true;
  }
  return false;
}
