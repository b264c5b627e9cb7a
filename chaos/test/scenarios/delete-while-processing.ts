import { queueNames } from '@ingestkit/contracts';
import { deleteAsset, getAsset } from '../harness/client';
import { by, ingestOne, sleep, waitTerminal, type Scenario, type ScenarioContext } from '../harness/scenario';
import { holderOfActiveJob } from './worker-kills';

/**
 * Deletes a share of the uploads at random moments of their processing — at once (queued),
 * after a random delay (validating, optimizing, whatever it is then), as soon as it is seen
 * delivering, or once ready — while a worker is SIGKILLed in the middle of a delivery. The audit then holds every
 * deleted asset deleted (nothing brings one back) with no file left at its destination, in
 * staging or on ImageKit, and every other asset ready.
 */
export const deleteWhileProcessing: Scenario = {
  name: 'deletes while processing',
  workers: 2,
  // A job in a process killed more often than WORKER_MAX_STALLS allows fails, by design.
  failuresAllowed: ['worker_lost'],
  async run(context) {
    const count = by(context.profile, { short: 24, full: 120 });
    const deleted = new Set<string>();
    const before = new Map<string, number>();
    const lane = async (index: number) => {
      const destination = index % 2 === 0 ? 'local' : 'imagekit';
      const asset = await ingestOne(context, { destination });
      const choice = index % 3;
      if (choice === 2) return; // kept: must end ready
      if (index % 6 === 1) {
        // After ready (or whatever it ended as).
        await waitTerminal(context, asset.id, 60_000);
      } else if (index % 6 === 3) {
        // While it is delivering, if it is caught there (deliveries are short).
        await untilStatus(context, asset.id, ['delivering', 'ready', 'rejected', 'failed'], 60_000);
      } else {
        await sleep(choice === 0 && index % 4 === 0 ? 0 : Math.random() * 2_500);
      }
      const status = (await getAsset(context.cluster.gatewayUrl, asset.id).catch(() => undefined))?.status ?? 'unknown';
      before.set(status, (before.get(status) ?? 0) + 1);
      deleted.add(asset.id);
      const tombstone = await deleteAsset(() => context.cluster.gatewayUrl, asset.id, context.answers);
      if (tombstone.status !== 'deleted') throw new Error(`DELETE answered ${tombstone.status} for ${asset.id}`);
    };
    const indexes = Array.from({ length: count }, (_, index) => index);
    let next = 0;
    const lanes = Array.from({ length: 4 }, async () => {
      while (next < indexes.length) await lane(indexes[next++]!);
    });
    // One worker killed while it delivers (a delete may be racing that very delivery), started again at once.
    const killing = (async () => {
      await sleep(1_500);
      const victim = await holderOfActiveJob(context, queueNames.deliver, 10_000);
      if (!victim) return 'no delivery in flight to kill';
      await victim.worker.kill();
      await victim.worker.start();
      return `1 worker SIGKILL while delivering ${victim.assetId}${deleted.has(victim.assetId) ? ' (deleted)' : ''}`;
    })();
    await Promise.all(lanes);
    context.notes.push(await killing);
    context.notes.push(
      `${deleted.size} of ${count} assets deleted; status seen just before each DELETE: ${[...before]
        .map(([status, n]) => `${n} ${status}`)
        .join(', ')}`,
    );
    return { deleted };
  },
};

/** Polls the asset quickly until its status is one of `statuses` (or the time is up). */
async function untilStatus(context: ScenarioContext, id: string, statuses: readonly string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const asset = await getAsset(context.cluster.gatewayUrl, id).catch(() => undefined);
    if (asset && statuses.includes(asset.status)) return;
    await sleep(5);
  }
}
