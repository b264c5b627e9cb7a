import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SNIFF_BYTES, sniffImageType } from '../sniff';

/** One file the CLI found: its absolute path and size; `isImage` from its first bytes. */
export interface FoundFile {
  path: string;
  bytes: number;
  isImage: boolean;
}

async function isImageFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return sniffImageType(head.subarray(0, bytesRead)) !== undefined;
  } finally {
    await handle.close();
  }
}

/** How many files the walk stats and sniffs at once (each is a few small reads). */
const WALK_CONCURRENCY = 32;

/** `work` over `items`, at most `limit` at a time, results in the items' order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Every file under the given paths (folders walked recursively, hidden entries skipped, in a
 * stable sorted order), each marked image or not by its content, never its extension. The
 * entries of a folder are stat-ed and sniffed {@link WALK_CONCURRENCY} at a time: one at a
 * time, the walk of a thousand small files took longer than uploading a good share of them.
 */
export async function walkFiles(paths: readonly string[]): Promise<FoundFile[]> {
  const found = new Map<string, FoundFile>();
  async function visit(path: string): Promise<FoundFile[]> {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = (await readdir(path)).filter((name) => !name.startsWith('.')).sort();
      return (await mapLimited(entries, WALK_CONCURRENCY, (name) => visit(join(path, name)))).flat();
    }
    return info.isFile() ? [{ path, bytes: info.size, isImage: await isImageFile(path) }] : [];
  }
  for (const path of paths) {
    for (const file of await visit(resolve(path))) if (!found.has(file.path)) found.set(file.path, file);
  }
  return [...found.values()];
}
