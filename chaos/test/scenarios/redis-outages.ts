import { by, ingestMany, sleep, type Scenario } from '../harness/scenario';

/**
 * Redis SIGKILLed mid-run and started again from its AOF, then frozen (SIGSTOP: connections
 * open, nothing answers) for 30 s while clients keep uploading. Uploads during the outage get
 * 503 and are retried by the clients; nothing the gateway acknowledged may be lost.
 */
export const redisOutages: Scenario = {
  name: 'Redis killed and restarted (AOF), then unreachable',
  // Work cut off by the outage may run out of attempts or stall too often; a retry recovers it.
  failuresAllowed: ['dependency_unavailable', 'worker_lost'],
  async run(context) {
    const freezeMs = by(context.profile, { short: 10_000, full: 30_000 });
    const count = by(context.profile, { short: 16, full: 60 });
    const ingesting = ingestMany(context, { count, concurrency: 3, spreadMs: 8_000 + freezeMs });
    await sleep(3_000);
    await context.cluster.crashAndRestartRedis(1_000);
    context.notes.push('redis-server SIGKILLed with work in every stage, restarted from its AOF after 1 s');
    await sleep(4_000);
    await context.cluster.freezeRedis(freezeMs);
    context.notes.push(`redis-server frozen (SIGSTOP) for ${freezeMs / 1000} s, then resumed`);
    await ingesting;
  },
};
