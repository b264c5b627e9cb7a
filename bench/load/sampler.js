'use strict';
// Once a second during a bench/load.js run: the depth of every queue the worker consumes
// (BullMQ job counts under the bench's QUEUE_PREFIX) and the resident memory of each service
// process — the gateway, the worker itself, the worker's image children (summed), Redis.
// Peaks: VmHWM of each process, kept per pid, so an image child's peak counts even after the
// pool has replaced it (only its last second before exiting can be missed). CPU: cumulative
// seconds per service (children: the last reading of every child seen, summed) and of this
// process (the clients and the sampler), to show who used the two cores.

const { ingestQueues, queueNames } = require('@ingestkit/contracts');
const { createQueue, createRedis } = require('@ingestkit/runtime');
const { childrenOf, cpuSecondsOf, memoryOf } = require('./proc');

const QUEUES = [...ingestQueues, queueNames.notify];
const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'];
const SAMPLE_MS = 1_000;

/**
 * Starts sampling at once; `series` grows by one entry per second:
 * `{ t (s since origin), queues: {name: counts}, rss: {gateway, worker, children, childCount, redis},
 * cpu: {gateway, worker, children, redis, bench} }` (RSS in MiB, CPU in cumulative seconds).
 * `peaks()` gives the highest VmHWM seen per service (children: the largest single child).
 */
function startSampler({ redisUrl, prefix, pids, origin }) {
  const redis = createRedis({ url: redisUrl, role: 'producer', name: 'bench-sampler' });
  const queues = QUEUES.map((name) => createQueue(name, { connection: redis, prefix }));
  const series = [];
  const childPeaks = new Map();
  const childCpu = new Map();
  const peaks = { gateway: 0, worker: 0, redis: 0 };
  let running = false;
  const sample = async () => {
    if (running) return; // a slow Redis answer: skip rather than pile up
    running = true;
    try {
      const t = (Date.now() - origin) / 1000;
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...STATES)));
      const rss = {};
      const cpu = {};
      for (const service of ['gateway', 'worker', 'redis']) {
        const memory = memoryOf(pids[service]);
        rss[service] = memory?.rssMiB;
        if (memory) peaks[service] = Math.max(peaks[service], memory.hwmMiB);
        cpu[service] = cpuSecondsOf(pids[service]);
      }
      let children = 0;
      let childCount = 0;
      for (const pid of childrenOf(pids.worker)) {
        const memory = memoryOf(pid);
        if (!memory) continue;
        children += memory.rssMiB;
        childCount++;
        childPeaks.set(pid, Math.max(childPeaks.get(pid) ?? 0, memory.hwmMiB));
        childCpu.set(pid, cpuSecondsOf(pid) ?? childCpu.get(pid) ?? 0);
      }
      rss.children = children;
      rss.childCount = childCount;
      cpu.children = [...childCpu.values()].reduce((sum, seconds) => sum + seconds, 0);
      const own = process.cpuUsage();
      cpu.bench = (own.user + own.system) / 1e6;
      series.push({
        t: round(t, 1),
        queues: Object.fromEntries(QUEUES.map((name, i) => [name, counts[i]])),
        rss: roundAll(rss),
        cpu: roundAll(cpu),
      });
    } catch {
      // Redis busy or restarting: a missing second is visible as a gap in the series.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sample(), SAMPLE_MS);
  void sample();
  return {
    series,
    /** A final reading (VmHWM is only readable while the process lives: call before stopping it). */
    sample,
    peaks: () => ({
      ...roundAll(peaks),
      childMax: round(Math.max(0, ...childPeaks.values()), 1),
      childrenSeen: childPeaks.size,
    }),
    async stop() {
      clearInterval(timer);
      while (running) await new Promise((resolve) => setTimeout(resolve, 20));
      await Promise.all(queues.map((queue) => queue.close()));
      redis.disconnect();
    },
  };
}

/** Jobs queued or running in one queue at one sample: waiting + prioritized + delayed + active. */
function depthOf(counts) {
  return (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0);
}

/** What the gateway's backpressure counts: ingest jobs waiting, prioritized or delayed. */
function backlogOf(sample) {
  return ingestQueues.reduce((sum, name) => {
    const counts = sample.queues[name];
    return sum + (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
  }, 0);
}

function round(value, digits) {
  return value === undefined ? undefined : Number(value.toFixed(digits));
}

function roundAll(values) {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, round(value, 1)]));
}

module.exports = { startSampler, depthOf, backlogOf, QUEUES };
