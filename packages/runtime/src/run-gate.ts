/**
 * Lets jobs run side by side, except a suspect one, which runs alone. A worker process that
 * dies takes every job it holds with it, and each of them counts a stall; BullMQ cannot tell
 * which one killed the process. If the culprit kept running beside the same innocent jobs
 * (they go back to the queue together and are often picked up together), they would all reach
 * the stall limit and fail with it.
 *
 * So a job that has stalled before waits until nothing else runs in this process, then runs
 * alone. While it waits or runs, the process holds no other job: its workers are paused (they
 * fetch nothing), and a job that arrives anyway (a fetch already in flight) is not run but
 * handed back to the queue (`deferred`), where another process can take it. Holding it here,
 * even without running it, would make it share the suspect's fate: a held job is active in
 * Redis and stalls when the process dies.
 */
export interface RunGate {
  /** Pauses `worker` while a suspect job is pending in this process; returns a function that detaches it. */
  attach(worker: PausableWorker): () => void;
  /** Runs `work` (alone when `alone`), or does not run it and answers `deferred` while a suspect job is pending. */
  run(alone: boolean, work: () => Promise<void>): Promise<'ran' | 'deferred'>;
}

/** The part of a BullMQ worker the gate uses: stop fetching (without waiting for active jobs) and start again. */
export interface PausableWorker {
  pause(doNotWaitActive?: boolean): Promise<void>;
  resume(): void;
}

export function createRunGate(): RunGate {
  const workers = new Set<PausableWorker>();
  let running = 0;
  let suspectPending = false;
  let othersDone: (() => void) | undefined;

  function setPaused(paused: boolean): void {
    for (const worker of workers) {
      if (paused) void worker.pause(true).catch(() => undefined);
      else worker.resume();
    }
  }

  return {
    attach(worker) {
      workers.add(worker);
      return () => void workers.delete(worker);
    },
    async run(alone, work) {
      if (suspectPending) return 'deferred';
      if (!alone) {
        running++;
        try {
          await work();
        } finally {
          running--;
          if (running === 0) othersDone?.();
        }
        return 'ran';
      }
      suspectPending = true;
      setPaused(true);
      try {
        if (running > 0) await new Promise<void>((resolve) => (othersDone = resolve));
        othersDone = undefined;
        await work();
      } finally {
        suspectPending = false;
        setPaused(false);
      }
      return 'ran';
    },
  };
}
