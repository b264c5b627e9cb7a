import { by, ingestOne, nextImage, sleep, waitTerminal, type Scenario } from '../harness/scenario';

/**
 * New versions of the same ImageKit files (uploads with `overwrite=true`) while the network
 * between ImageKit and the webhook receiver delivers every other webhook twice and holds each up
 * to 1.5 s, so events arrive out of order. The registry must end with ImageKit's current
 * version current, every notification once (redeliveries with the same id), and each superseded
 * URL purged, but never once per producer.
 */
export const webhookDisorder: Scenario = {
  name: 'duplicate and out-of-order webhooks',
  async run(context) {
    const files = by(context.profile, { short: 4, full: 12 });
    const versions = by(context.profile, { short: 3, full: 4 });
    context.cluster.relay.setFaults({ duplicateEvery: 2, maxDelayMs: 1_500 });
    const plainUrls: string[] = [];
    await Promise.all(
      Array.from({ length: files }, async (_, file) => {
        for (let version = 1; version <= versions; version++) {
          const image = await nextImage();
          const asset = await ingestOne(context, {
            destination: 'imagekit',
            folder: 'chaos-overwrites',
            fileName: `file-${file}.jpg`,
            bytes: image.bytes,
            overwrite: true,
          });
          const done = await waitTerminal(context, asset.id);
          if (version === 1 && done?.output?.url) plainUrls.push(done.output.url.split('?')[0]!);
        }
      }),
    );
    await sleep(3_000);
    context.cluster.relay.setFaults({});
    context.notes.push(
      `${files} files × ${versions} versions; ${context.cluster.relay.duplicated} webhook deliveries sent twice, all held 0–1.5 s`,
    );
    const filePaths = new Map(plainUrls.map((url) => [new URL(url).pathname.replace(/^\/[^/]+/, ''), versions]));
    // Each new version supersedes one URL; the worker (overwrite) and the receiver (webhook) both ask, under one id.
    return {
      versionsByPath: filePaths,
      purges: new Map(plainUrls.map((url) => [url, { min: 1, max: versions - 1 }])),
    };
  },
};
