import { randomBytes } from 'node:crypto';

/** A purge request as the emulator recorded it. */
export interface PurgeRecord {
  requestId: string;
  url: string;
  /** Path (with query) after the URL endpoint, `*` included for wildcards. */
  path: string;
  isWildcard: boolean;
  createdAt: Date;
  /** When the status turns from `Pending` to `Completed`. */
  completesAt: Date;
}

/** Purge statuses as ImageKit spells them (`Completed`, not `Complete`). */
export type PurgeStatus = 'Pending' | 'Completed';

/** Records purge requests, answers their status by the clock (no timers) and counts them against a quota. */
export class PurgeTracker {
  private readonly records = new Map<string, PurgeRecord>();

  constructor(
    private readonly completesAfterMs: number,
    private readonly quota: number,
  ) {}

  /** Whether another purge would exceed the quota. */
  isQuotaExhausted(): boolean {
    return this.records.size >= this.quota;
  }

  /** Records a purge of an already validated URL. */
  add(url: string, path: string, isWildcard: boolean): PurgeRecord {
    const createdAt = new Date();
    const record: PurgeRecord = {
      requestId: randomBytes(12).toString('hex'),
      url,
      path,
      isWildcard,
      createdAt,
      completesAt: new Date(createdAt.getTime() + this.completesAfterMs),
    };
    this.records.set(record.requestId, record);
    return record;
  }

  /** The status of a purge request, `undefined` if the id is unknown. */
  status(requestId: string, now: number = Date.now()): PurgeStatus | undefined {
    const record = this.records.get(requestId);
    if (!record) return undefined;
    return now >= record.completesAt.getTime() ? 'Completed' : 'Pending';
  }

  /** All purge requests, oldest first. */
  list(): PurgeRecord[] {
    return [...this.records.values()];
  }
}
