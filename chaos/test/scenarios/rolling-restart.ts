import { by, ingestMany, sleep, type Scenario } from '../harness/scenario';

/**
 * A deploy: every service in turn gets SIGTERM (it must finish what it is doing and exit 0
 * within its deadline), then starts again, while clients keep uploading to local and ImageKit.
 */
export const rollingRestart: Scenario = {
  name: 'SIGTERM rolling restart of every service',
  async run(context) {
    const rounds = by(context.profile, { short: 1, full: 3 });
    const ingesting = ingestMany(context, {
      count: by(context.profile, { short: 16, full: 60 }),
      concurrency: 3,
      spreadMs: 20_000 * rounds,
    });
    const exits: string[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const service of context.cluster.services()) {
        await sleep(1_000 + Math.random() * 1_000);
        const started = Date.now();
        const exit = await service.stop('SIGTERM');
        if (exit.code !== 0) exits.push(`${service.name} exited ${exit.code ?? exit.signal}`);
        const tookMs = Date.now() - started;
        await service.start();
        context.notes.push(`round ${round + 1}: ${service.name} stopped in ${tookMs} ms (exit ${exit.code}), restarted`);
      }
    }
    await ingesting;
    if (exits.length > 0) throw new Error(`services did not shut down cleanly: ${exits.join(', ')}`);
  },
};
