import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectInfo } from './object-store';

/**
 * Lists the files under `root` whose key (path relative to root, `/`-separated) starts with
 * `prefix`, sorted by key as S3 sorts them (byte order; keys are ASCII).
 *
 * Starts at the deepest directory the prefix names and only descends into directories that can
 * hold matching keys. Skips every entry whose name starts with `.` (the `.tmp` directory of
 * in-flight writes; no valid key has such a segment). Files that vanish mid-walk (a concurrent
 * delete) are skipped. `prefix` must already be validated.
 */
export async function walkLocalObjects(root: string, prefix: string): Promise<ObjectInfo[]> {
  const slash = prefix.lastIndexOf('/');
  const baseKey = slash === -1 ? '' : prefix.slice(0, slash);
  const found: ObjectInfo[] = [];
  await walk(root, baseKey, prefix, found);
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function walk(root: string, dirKey: string, prefix: string, found: ObjectInfo[]): Promise<void> {
  const dir = dirKey === '' ? root : path.join(root, ...dirKey.split('/'));
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isGone(err)) return;
    throw err;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
    if (entry.isDirectory()) {
      const folder = `${key}/`;
      if (folder.startsWith(prefix) || prefix.startsWith(folder)) await walk(root, key, prefix, found);
    } else if (entry.isFile() && key.startsWith(prefix)) {
      try {
        const info = await stat(path.join(dir, entry.name));
        found.push({ key, bytes: info.size, lastModified: info.mtime });
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
  }
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
