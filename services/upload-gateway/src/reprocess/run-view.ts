import type { ReprocessRun } from '@ingestkit/contracts';
import type { RunRecord } from './run-store';

/**
 * A run as `GET /v1/reprocess/:id` shows it: its counts come from the run store, where each
 * asset is moved between pending, in flight, done and failed by one atomic step, so they are
 * exact after any crash. `remaining` is everything listed and not yet done or failed.
 */
export function viewRun(record: RunRecord): ReprocessRun {
  const remaining = Math.max(0, record.total - record.done - record.failed);
  const status = record.isCancelled ? 'cancelled' : record.isListed && remaining === 0 ? 'done' : 'running';
  return {
    id: record.id,
    filter: record.filter,
    policy: record.request.policy,
    status,
    total: record.total,
    done: record.done,
    failed: record.failed,
    remaining,
    listed: record.isListed,
    errors: record.errors,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
