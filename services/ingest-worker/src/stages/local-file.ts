import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@ingestkit/storage';

/**
 * Runs `use` with a filesystem path to the object, so sharp reads a file instead of a buffer:
 * the store's own path when it is on local disk, else a temporary download removed afterwards.
 */
export async function withLocalFile<T>(store: ObjectStore, key: string, use: (path: string) => Promise<T>): Promise<T> {
  const direct = store.localPath(key);
  if (direct !== undefined) return use(direct);
  const dir = await mkdtemp(join(tmpdir(), 'ingestkit-'));
  try {
    const path = join(dir, 'object');
    await pipeline(await store.get(key), createWriteStream(path));
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
