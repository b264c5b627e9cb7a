import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IngestError, isIngestError } from '@ingestkit/contracts';
import { type ByteRange, unsatisfiableRange, validateByteRange } from './byte-range';
import { validateKey, validatePrefix } from './keys';
import { walkLocalObjects } from './local-walk';
import type { ObjectInfo, ObjectStore, PutObjectInput } from './object-store';

/** Options of {@link createLocalStore}. */
export interface LocalStoreOptions {
  /** Directory holding the objects (created on first write or `ping`). */
  root: string;
  /** fsync each file before it is renamed into place (default true): survives a power cut. */
  fsync?: boolean;
}

/** Where in-flight writes live; no valid key starts with `.`, so it never collides with one. */
const TMP_DIR = '.tmp';

/**
 * An {@link ObjectStore} on the local filesystem: the object `a/b/c.jpg` is the file
 * `<root>/a/b/c.jpg`, so sharp can read it in place (`localPath`).
 *
 * Writes go to `<root>/.tmp/<uuid>` and are renamed into place once complete, so readers see
 * the old object or the new one, never half of one; a failed write removes its temp file.
 * Content type and cache control are not kept (there is nowhere to put them without a sidecar
 * file; the gateway serves local files with a type sniffed from the bytes). `delete` and
 * `deletePrefix` also remove the directories they leave empty.
 */
export function createLocalStore(options: LocalStoreOptions): ObjectStore {
  const root = path.resolve(options.root);
  const tmpDir = path.join(root, TMP_DIR);
  const fsync = options.fsync ?? true;
  const fileFor = (key: string) => path.join(root, ...validateKey(key).split('/'));

  async function writeTemp(body: Readable | Buffer, tmp: string): Promise<number> {
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
    await pipeline(source, counter, file);
    return bytes;
  }

  /** Renames into place; retries when a concurrent delete pruned the parent directory. */
  async function moveIntoPlace(tmp: string, file: string, key: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(path.dirname(file), { recursive: true });
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
      // ENOTDIR: a parent is a file; EISDIR/EPERM: the key names a directory, not an object.
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EPERM') return false;
      throw err;
    }
    await pruneEmptyDirs(path.dirname(file));
    return true;
  }

  const store: ObjectStore = {
    kind: 'local',

    async put({ key, body }: PutObjectInput) {
      const tmp = path.join(tmpDir, randomUUID());
      try {
        const file = fileFor(key);
        await mkdir(tmpDir, { recursive: true });
        const bytes = await writeTemp(body, tmp);
        await moveIntoPlace(tmp, file, key);
        return { bytes };
      } catch (err) {
        if (!Buffer.isBuffer(body)) body.destroy();
        await unlink(tmp).catch(() => undefined);
        throw wrap(err, `put ${key}`, key);
      }
    },

    async get(key: string, range?: ByteRange) {
      const file = fileFor(key);
      if (range) validateByteRange(range);
      // Open first, then stat the open handle: a concurrent overwrite (rename) cannot mix files.
      const handle = await open(file, 'r').catch((err: unknown) => {
        throw isMissing(err) ? notFound(key) : wrap(err, `get ${key}`, key);
      });
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw notFound(key);
        if (range && range.start >= info.size) throw unsatisfiableRange(key, range, { size: info.size });
        const end = range?.end === undefined ? undefined : Math.min(range.end, info.size - 1);
        return handle.createReadStream({ start: range?.start, end });
      } catch (err) {
        await handle.close();
        throw wrap(err, `get ${key}`, key);
      }
    },

    async head(key: string) {
      const file = fileFor(key);
      try {
        const info = await stat(file);
        return info.isFile() ? { key, bytes: info.size, lastModified: info.mtime } : null;
      } catch (err) {
        if (isMissing(err)) return null;
        throw wrap(err, `head ${key}`, key);
      }
    },

    async delete(key: string) {
      fileFor(key);
      await removeFile(key).catch((err: unknown) => {
        throw wrap(err, `delete ${key}`, key);
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
        throw wrap(err, `deletePrefix ${prefix}`);
      }
      return deleted;
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      validatePrefix(prefix);
      try {
        return await walkLocalObjects(root, prefix);
      } catch (err) {
        throw wrap(err, `list ${prefix}`);
      }
    },

    localPath(key: string) {
      return fileFor(key);
    },

    async ping() {
      try {
        await mkdir(tmpDir, { recursive: true });
        const probe = path.join(tmpDir, `ping-${randomUUID()}`);
        const handle = await open(probe, 'wx');
        await handle.close();
        await unlink(probe);
      } catch (err) {
        throw new IngestError('storage_error', `local store root ${root} is not writable`, { cause: err });
      }
    },
  };
  return store;
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function isMissing(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function notFound(key: string): IngestError {
  return new IngestError('not_found', `no object at ${key}`, { details: { key } });
}

/** IngestErrors (ours, or a body's own) pass through; anything else is the backend failing. */
function wrap(err: unknown, operation: string, key?: string): IngestError {
  if (isIngestError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new IngestError('storage_error', `local store: ${operation} failed: ${message}`, {
    details: key === undefined ? undefined : { key },
    cause: err,
  });
}
