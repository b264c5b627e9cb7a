import { by, ingestMany, sleep, type Scenario } from '../harness/scenario';

/**
 * Every image goes to ImageKit while the emulator answers 20% of calls with 5xx, 10% of API
 * calls with 429 and reset headers, delays 10% by 3 s and drops 5% of connections (half of
 * them after the upload was stored, so the answer is lost); then it goes away entirely for a
 * minute. Delivery must neither lose an image nor create a second file or version.
 */
export const imagekitFaults: Scenario = {
  name: 'ImageKit 5xx, 429, slow, dropped, then down',
  // A delivery may run out of attempts while ImageKit is down; a retry recovers it.
  failuresAllowed: ['destination_error', 'timeout'],
  async run(context) {
    const count = by(context.profile, { short: 14, full: 60 });
    const downMs = by(context.profile, { short: 15_000, full: 60_000 });
    context.cluster.setImageKitFaults({
      serverErrorRatio: 0.2,
      rateLimitRatio: 0.1,
      retryAfterSeconds: 1,
      slowRatio: 0.1,
      slowMs: 3_000,
      dropRatio: 0.05,
    });
    const ingesting = ingestMany(context, { count, concurrency: 3, spreadMs: 10_000 + downMs, destination: 'imagekit' });
    await sleep(by(context.profile, { short: 8_000, full: 25_000 }));
    context.cluster.setImageKitFaults({ down: true });
    await sleep(downMs);
    context.cluster.setImageKitFaults({ serverErrorRatio: 0.2, rateLimitRatio: 0.1, retryAfterSeconds: 1, dropRatio: 0.05 });
    await ingesting;
    await sleep(5_000);
    context.cluster.setImageKitFaults({});
    context.notes.push(
      `ImageKit: 20% 5xx, 10% 429, 10% +3 s, 5% dropped connections; down (connections cut) for ${downMs / 1000} s`,
    );
  },
};
