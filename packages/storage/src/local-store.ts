import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IngestError } from '@ingestkit/contracts';
import { type ByteRange, unsatisfiableRange, validateByteRange } from './byte-range';
import { validateKey, validatePrefix } from './keys';
import { errnoOf, type LocalErrorContext, toLocalStoreError } from './local-store-errors';
import { walkLocalObjects } from './local-walk';
import { makeDirectory } from './make-directory';
import type { ObjectInfo, ObjectStore, PutObjectInput } from './object-store';
import { failPutBody } from './put-body';

/** Options of {@link createLocalStore}. */
export interface LocalStoreOptions {
  /** Directory holding the objects (created on first write or `ping`). */
  root: string;
  /** fsync each file before it is renamed into place (default true): survives a power cut. */
  fsync?: boolean;
}

/** Where in-flight writes live; no valid key starts with `.`, so it never collides with one. */
const TMP_DIR = '.tmp';
/** What `ping` writes: one page, so a full disk fails it (an empty file needs no data block). */
const PING_PROBE_BYTES = 4096;

/**
 * An {@link ObjectStore} on the local filesystem: the object `a/b/c.jpg` is the file
 * `<root>/a/b/c.jpg`, so sharp can read it in place (`localPath`).
 *
 * Writes go to `<root>/.tmp/<uuid>` and are renamed into place once complete, so readers see
 * the old object or the new one, never half of one; a failed write removes its temp file.
 * A full or read-only disk is reported as `storage_full` / `storage_read_only` (see
 * `toLocalStoreError`), also to whoever feeds a streamed body, and `ping` reports it too.
 * Content type and cache control are not kept (there is nowhere to put them without a sidecar
 * file; the gateway serves local files with a type sniffed from the bytes). `delete` and
 * `deletePrefix` also remove the directories they leave empty.
 */
export function createLocalStore(options: LocalStoreOptions): ObjectStore {
  const root = path.resolve(options.root);
  const tmpDir = path.join(root, TMP_DIR);
  const fsync = options.fsync ?? true;
  const fileFor = (key: string) => path.join(root, ...validateKey(key).split('/'));

  async function writeTemp(body: Readable | Buffer, tmp: string, context: LocalErrorContext): Promise<number> {
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    // `wx`: never write through someone else's file; `flush`: fsync before close;
    // `highWaterMark` (default 16 KiB): while one write is in flight, up to 1 MiB more queues and
    // goes out in one writev, instead of one thread-pool round trip per 64 KiB socket chunk.
    const file = createWriteStream(tmp, { flags: 'wx', flush: fsync, highWaterMark: 1024 * 1024 });
    // Registered before pipeline's own listeners: the body is destroyed with the normalised
    // error (e.g. storage_full) before pipeline destroys it with the raw errno error.
    file.once('error', (err) => failPutBody(source, toLocalStoreError(err, context)));
    await pipeline(source, counter, file);
    return bytes;
  }

  /** Renames into place; retries when a concurrent delete pruned the parent directory. */
  async function moveIntoPlace(tmp: string, file: string, key: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await makeDirectory(path.dirname(file));
        await rename(tmp, file);
        return;
      } catch (err) {
        const code = errnoOf(err);
        if (code === 'ENOENT' && attempt < 3) continue;
        // EISDIR/ENOTEMPTY: key is a folder of other objects; ENOTDIR/EEXIST: a parent is an object.
        if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'ENOTDIR' || code === 'EEXIST') {
          throw new IngestError('conflict', `cannot store ${key}: it or one of its parents is taken`, {
            details: { key },
            cause: err,
          });
        }
        throw err;
      }
    }
  }

  /** Removes now-empty directories from `dir` up to (not including) the root. */
  async function pruneEmptyDirs(dir: string): Promise<void> {
    while (dir !== root && dir.startsWith(root + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone, or in use by a concurrent put): stop here
      }
      dir = path.dirname(dir);
    }
  }

  async function removeFile(key: string): Promise<boolean> {
    const file = fileFor(key);
    try {
      await unlink(file);
    } catch (err) {
      const code = errnoOf(err);
      // ENOTDIR: a parent is a file; EISDIR (Linux) or EPERM (macOS): the key names a directory,
      // not an object. Any other EPERM (an immutable file, a sticky directory) is a refusal.
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return false;
      if (code === 'EPERM' && (await isDirectory(file))) return false;
      throw err;
    }
    await pruneEmptyDirs(path.dirname(file));
    return true;
  }

  const store: ObjectStore = {
    kind: 'local',

    async put({ key, body }: PutObjectInput) {
      const tmp = path.join(tmpDir, randomUUID());
      const context: LocalErrorContext = { operation: `put ${key}`, key, isWrite: true };
      try {
        const file = fileFor(key);
        await makeDirectory(tmpDir);
        const bytes = await writeTemp(body, tmp, context);
        await moveIntoPlace(tmp, file, key);
        return { bytes };
      } catch (err) {
        const error = toLocalStoreError(err, context);
        if (!Buffer.isBuffer(body)) failPutBody(body, error);
        await unlink(tmp).catch(() => undefined);
        throw error;
      }
    },

    async get(key: string, range?: ByteRange) {
      const file = fileFor(key);
      if (range) validateByteRange(range);
      // Open first, then stat the open handle: a concurrent overwrite (rename) cannot mix files.
      const handle = await open(file, 'r').catch((err: unknown) => {
        throw isMissing(err) ? notFound(key) : toLocalStoreError(err, { operation: `get ${key}`, key, isWrite: false });
      });
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw notFound(key);
        if (range && range.start >= info.size) throw unsatisfiableRange(key, range, { size: info.size });
        const end = range?.end === undefined ? undefined : Math.min(range.end, info.size - 1);
        return handle.createReadStream({ start: range?.start, end });
      } catch (err) {
        await handle.close();
        throw toLocalStoreError(err, { operation: `get ${key}`, key, isWrite: false });
      }
    },

    async head(key: string) {
      const file = fileFor(key);
      try {
        const info = await stat(file);
        return info.isFile() ? { key, bytes: info.size, lastModified: info.mtime } : null;
      } catch (err) {
        if (isMissing(err)) return null;
        throw toLocalStoreError(err, { operation: `head ${key}`, key, isWrite: false });
      }
    },

    async delete(key: string) {
      fileFor(key);
      await removeFile(key).catch((err: unknown) => {
        throw toLocalStoreError(err, { operation: `delete ${key}`, key, isWrite: true });
      });
    },

    async deletePrefix(prefix: string) {
      if (validatePrefix(prefix) === '') {
        throw new IngestError('bad_request', 'deletePrefix needs a non-empty prefix');
      }
      const objects = await store.list(prefix);
      let deleted = 0;
      try {
        for (const { key } of objects) if (await removeFile(key)) deleted++;
      } catch (err) {
        throw toLocalStoreError(err, { operation: `deletePrefix ${prefix}`, isWrite: true });
      }
      return deleted;
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      validatePrefix(prefix);
      try {
        return await walkLocalObjects(root, prefix);
      } catch (err) {
        throw toLocalStoreError(err, { operation: `list ${prefix}`, isWrite: false });
      }
    },

    localPath(key: string) {
      return fileFor(key);
    },

    async ping() {
      const probe = path.join(tmpDir, `ping-${randomUUID()}`);
      try {
        await makeDirectory(tmpDir);
        const handle = await open(probe, 'wx');
        try {
          await handle.writeFile(Buffer.alloc(PING_PROBE_BYTES));
          await handle.sync();
        } finally {
          await handle.close();
          await unlink(probe).catch(() => undefined);
        }
      } catch (err) {
        const error = toLocalStoreError(err, { operation: `ping (write a probe under ${root})`, isWrite: true });
        if (error.code !== 'storage_error') throw error;
        throw new IngestError('storage_error', `local store root ${root} is not writable`, { cause: err });
      }
    },

    // A process killed mid-write (SIGKILL, OOM, power cut) leaves its temp file: a write in
    // progress touches its file with every chunk, so one untouched for `olderThanMs` is dead.
    async sweepAbandonedWrites(olderThanMs: number) {
      const names = await readdir(tmpDir).catch((err: unknown) => {
        if (isMissing(err)) return [];
        throw toLocalStoreError(err, { operation: 'sweep temp files', isWrite: true });
      });
      const cutoff = Date.now() - olderThanMs;
      let removed = 0;
      for (const name of names) {
        const file = path.join(tmpDir, name);
        const info = await stat(file).catch(() => undefined);
        if (!info || info.mtimeMs >= cutoff) continue;
        try {
          await unlink(file);
          removed++;
        } catch {
          // Renamed into place or removed meanwhile: nothing left to sweep.
        }
      }
      return removed;
    },
  };
  return store;
}

async function isDirectory(file: string): Promise<boolean> {
  return (await lstat(file).catch(() => undefined))?.isDirectory() ?? false;
}

function isMissing(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function notFound(key: string): IngestError {
  return new IngestError('not_found', `no object at ${key}`, { details: { key } });
}
