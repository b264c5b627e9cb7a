import type { Asset } from '@ingestkit/contracts';
import { makeJpeg } from '@ingestkit/testkit';
import { postWithRetries, startPartialUpload } from '../harness/client';
import { by, ingestMany, nextImage, sleep, type Scenario, type ScenarioContext } from '../harness/scenario';

/**
 * The gateway SIGKILLed (and started again) while uploads stream through it, with some uploads
 * cut off halfway for good, and again in the middle of a burst of direct-upload completions.
 * Cut-off uploads must leave nothing behind and never be queued; clients that retry with their
 * Idempotency-Key must get exactly one asset each.
 */
export const gatewayKills: Scenario = {
  name: 'gateway killed mid-upload and mid-completions',
  async run(context) {
    const { cluster } = context;
    const kills = by(context.profile, { short: 3, full: 8 });
    const ingesting = ingestMany(context, {
      count: by(context.profile, { short: 12, full: 40 }),
      concurrency: 4,
      destination: 'local',
    });
    const big = await makeJpeg({ width: 3000, height: 2000, seed: 99 });
    for (let index = 0; index < kills; index++) {
      await sleep(500 + Math.random() * 1_500);
      const abandon = await startPartialUpload(cluster.gateway.spec.port, big, Math.floor(big.length / 2));
      await sleep(100);
      await cluster.gateway.kill();
      abandon();
      await cluster.gateway.start();
    }
    await ingesting;
    context.notes.push(`gateway SIGKILLed ${kills}× during uploads, each time with an upload cut off halfway`);

    const burst = by(context.profile, { short: 10, full: 40 });
    const completing = await completionsBurst(context, burst, async (answered) => {
      // Strike in the middle of the burst: once some completions were answered.
      const deadline = Date.now() + 5_000;
      while (answered() < Math.ceil(burst / 4) && Date.now() < deadline) await sleep(2);
      await cluster.gateway.kill();
      await cluster.gateway.start();
    });
    context.notes.push(
      `gateway SIGKILLed during a burst of ${burst} direct-upload completions (${completing} answered before it)`,
    );
  },
};

/** Presigns and uploads `count` files to the local store, then completes them all at once while `strike` runs. */
async function completionsBurst(
  context: ScenarioContext,
  count: number,
  strike: (answered: () => number) => Promise<void>,
): Promise<number> {
  const { cluster } = context;
  const uploaded: string[] = [];
  for (let index = 0; index < count; index++) {
    const image = await nextImage();
    const presigned = await postWithRetries<{ asset: Asset; upload: { url: string; headers?: Record<string, string> } }>(
      () => cluster.gatewayUrl,
      '/v1/uploads/presign',
      () =>
        JSON.stringify({ fileName: image.fileName, contentType: 'image/jpeg', size: image.bytes.length, destination: 'local' }),
      { answers: context.answers, deadlineMs: 60_000, headers: { 'content-type': 'application/json' } },
    );
    const { url, headers } = presigned.upload;
    const put = await fetch(url, { method: 'PUT', headers: headers ?? {}, body: image.bytes });
    if (!put.ok) throw new Error(`direct upload PUT answered ${put.status}`);
    uploaded.push(presigned.asset.id);
  }
  let answered = 0;
  const completions = uploaded.map((id) =>
    postWithRetries(
      () => cluster.gatewayUrl,
      `/v1/assets/${id}/complete`,
      () => '',
      {
        answers: context.answers,
        deadlineMs: 120_000,
      },
    ).then(({ asset }) => {
      answered++;
      context.accepted.set(asset.id, asset);
    }),
  );
  await strike(() => answered);
  const before = answered;
  await Promise.all(completions);
  return before;
}
