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

/**
 * Every file under the given paths (folders walked recursively, hidden entries skipped, in a
 * stable sorted order), each marked image or not by its content, never its extension.
 */
export async function walkFiles(paths: readonly string[]): Promise<FoundFile[]> {
  const found = new Map<string, FoundFile>();
  async function visit(path: string): Promise<void> {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = (await readdir(path)).filter((name) => !name.startsWith('.')).sort();
      for (const name of entries) await visit(join(path, name));
    } else if (info.isFile() && !found.has(path)) {
      found.set(path, { path, bytes: info.size, isImage: await isImageFile(path) });
    }
  }
  for (const path of paths) await visit(resolve(path));
  return [...found.values()];
}
