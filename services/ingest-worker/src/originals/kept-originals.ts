import type { Originals } from '@ingestkit/storage';
import type { RetentionIndex } from './retention-index';

/** What the worker keeps originals with (`ORIGINALS_STORE` other than `off`). */
export interface KeptOriginals {
  originals: Originals;
  /** Days an original is kept after it was stored; 0: for ever. */
  retentionDays: number;
  /** Expiry of each kept original, for the retention sweeper (written only when `retentionDays > 0`). */
  index: RetentionIndex;
}
