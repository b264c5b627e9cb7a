import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SNIFF_BYTES, sniffImageType } from '../sniff';

/** One file the CLI found: its absolute path and size; `isImage` from its first bytes. */
export interface FoundFile {
  path: string;
  bytes: number;
  isImage: boolean;
  /**
   * The whole file, when it is small ({@link READ_WHOLE_BYTES}) and an image: read once by the
   * walk, sniffed, then hashed and sent by the upload, which drops it (see `takeContent`).
   */
  content?: Buffer;
}

/** Files up to this size are read whole while sniffed, so an upload does not open them again. */
const READ_WHOLE_BYTES = 256 * 1024;

async function sniffFile(path: string, size: number): Promise<Pick<FoundFile, 'isImage' | 'content'>> {
  const handle = await open(path, 'r');
  try {
    const length = size <= READ_WHOLE_BYTES ? size : SNIFF_BYTES;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    const isImage = sniffImageType(buffer.subarray(0, Math.min(bytesRead, SNIFF_BYTES))) !== undefined;
    // A file that changed size since `stat` is read again by the upload.
    return isImage && size <= READ_WHOLE_BYTES && bytesRead === size ? { isImage, content: buffer } : { isImage };
  } finally {
    await handle.close();
  }
}

/** The file's content if the walk kept it, and forgets it (a run of many files must not hold them all). */
export function takeContent(file: FoundFile): Buffer | undefined {
  const { content } = file;
  delete file.content;
  return content;
}

/** How many entries of a folder the walk stats and sniffs at once (each is a few small reads). */
const WALK_BATCH = 32;

type Entry = { kind: 'file'; file: FoundFile } | { kind: 'folder'; path: string } | { kind: 'other' };

async function describe(path: string): Promise<Entry> {
  const info = await stat(path);
  if (info.isDirectory()) return { kind: 'folder', path };
  if (!info.isFile()) return { kind: 'other' };
  return { kind: 'file', file: { path, bytes: info.size, ...(await sniffFile(path, info.size)) } };
}

/** Fails (as `stat` does, e.g. ENOENT) unless every given path exists: before anything is uploaded. */
export async function checkPaths(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => stat(resolve(path))));
}

/**
 * Every file under the given paths (folders walked recursively, hidden entries skipped, in a
 * stable sorted order), each marked image or not by its content, never its extension; a path
 * given twice is listed once. A generator, so uploads start with the first files found: the
 * entries of a folder are stat-ed and sniffed {@link WALK_BATCH} at a time and yielded batch by
 * batch (walking a thousand small files first, one at a time, took longer than uploading a good
 * share of them).
 */
export async function* walkFiles(paths: readonly string[]): AsyncGenerator<FoundFile> {
  const seen = new Set<string>();
  async function* visit(entry: Entry): AsyncGenerator<FoundFile> {
    if (entry.kind === 'file' && !seen.has(entry.file.path)) {
      seen.add(entry.file.path);
      yield entry.file;
    } else if (entry.kind === 'folder') {
      const names = (await readdir(entry.path)).filter((name) => !name.startsWith('.')).sort();
      for (let first = 0; first < names.length; first += WALK_BATCH) {
        const batch = await Promise.all(names.slice(first, first + WALK_BATCH).map((name) => describe(join(entry.path, name))));
        for (const found of batch) yield* visit(found);
      }
    }
  }
  for (const path of paths) yield* visit(await describe(resolve(path)));
}
