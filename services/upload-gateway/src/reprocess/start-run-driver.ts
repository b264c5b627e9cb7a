import type { Logger } from '@ingestkit/runtime';
import { runPeriodically } from '../intake/periodic-task';
import { createRunDriver, type RunDriverDeps } from './run-driver';

/**
 * Drives the reprocess runs from the gateway every `tickMs`. Decided: a periodic task rather
 * than a queue job, because a run's whole state (cursor, pending, in flight, counts) is in
 * Redis and a tick is a handful of Redis writes plus the starts; any gateway may drive a run (a
 * per-run lock lets one at a time), and a killed gateway's runs are picked up by the next tick
 * of a live one once its lock expires (or by itself when it comes back).
 */
export function startRunDriver(deps: RunDriverDeps & { tickMs: number; logger: Logger }): { stop(): Promise<void> } {
  const driver = createRunDriver(deps);
  return runPeriodically(deps.tickMs, () => driver.driveAll(), {
    logger: deps.logger,
    failure: 'a reprocess run tick failed; the next one goes on',
  });
}
