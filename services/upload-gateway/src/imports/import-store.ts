import type { AssetOptions, ImportSource, PrincipalRef } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';

/** What an import was asked to do, fixed at creation. */
export interface ImportSpec {
  id: string;
  source: ImportSource;
  options: Omit<AssetOptions, 'fileName' | 'overwrite'>;
  /** Who asked for it: its assets are created by that caller. */
  createdBy: PrincipalRef;
  createdAt: string;
}

/** An import's record: its spec and how far the listing got. */
export interface ImportRecord extends ImportSpec {
  /** The listing page to run next (0-based); pages before it are saved. */
  page: number;
  /** Page `page` starts after this key (the last key of the page before); absent for the first page. */
  after?: string;
  isListingDone: boolean;
  isCancelled: boolean;
  updatedAt: string;
}

/**
 * Imports in Redis: a hash per import (`spec`, `page`, `after`, `listed`, `cancelled`,
 * `updatedAt`) and the set of its assets' ids. The lister writes only the listing fields and
 * cancellation writes only `cancelled`, so neither can undo the other. A page's assets and the
 * next continuation point are saved in one MULTI, so a crash leaves either the whole page or none.
 */
export function createImportStore(deps: { redis: Redis; prefix: string }) {
  const key = (id: string) => `${deps.prefix}:import:${id}`;
  const assetsKey = (id: string) => `${deps.prefix}:import:${id}:assets`;
  return {
    /** Creates the import; false when one with this id exists already (a retried request). */
    async create(spec: ImportSpec): Promise<boolean> {
      const created = await deps.redis.hsetnx(key(spec.id), 'spec', JSON.stringify(spec));
      if (created === 1) await deps.redis.hset(key(spec.id), { page: 0, listed: 0, cancelled: 0, updatedAt: spec.createdAt });
      return created === 1;
    },
    async get(id: string): Promise<ImportRecord | null> {
      const fields = await deps.redis.hgetall(key(id));
      if (!fields.spec) return null;
      const spec = JSON.parse(fields.spec) as ImportSpec;
      return {
        ...spec,
        page: Number(fields.page ?? 0),
        ...(fields.after ? { after: fields.after } : {}),
        isListingDone: fields.listed === '1',
        isCancelled: fields.cancelled === '1',
        updatedAt: fields.updatedAt ?? spec.createdAt,
      };
    },
    /** Saves page `page`: its assets, and where the next page starts (none: the listing is done). */
    async savePage(id: string, input: { page: number; assetIds: string[]; nextAfter?: string }): Promise<void> {
      const multi = deps.redis.multi();
      if (input.assetIds.length > 0) multi.sadd(assetsKey(id), ...input.assetIds);
      multi.hset(key(id), { page: input.page + 1, listed: input.nextAfter ? 0 : 1, updatedAt: new Date().toISOString() });
      if (input.nextAfter) multi.hset(key(id), 'after', input.nextAfter);
      await multi.exec();
    },
    async cancel(id: string): Promise<void> {
      await deps.redis.hset(key(id), { cancelled: 1, updatedAt: new Date().toISOString() });
    },
    /** The ids of every asset the import's listing accepted (or found imported before). */
    assetIds: (id: string): Promise<string[]> => deps.redis.smembers(assetsKey(id)),
  };
}
export type ImportStore = ReturnType<typeof createImportStore>;
