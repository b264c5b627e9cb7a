import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AssetStatus } from '@ingestkit/contracts';

/** What the state file remembers of one file: its asset once accepted, its outcome once known. */
export interface FileRecord {
  key: string;
  path: string;
  assetId?: string;
  status?: AssetStatus;
  code?: string;
}

/** The name of the state file of a run, beside it (in the working directory) by default. */
export const DEFAULT_STATE_FILE = '.ingestkit-upload.jsonl';

/**
 * The Idempotency-Key of one file in one run: the path, a SHA-256 of the content and the
 * options. A re-run (after Ctrl-C or a crash) sends the same key, so the gateway answers with
 * the asset the first run created instead of making a second one; a changed file or other
 * options make a new key.
 */
export async function idempotencyKeyFor(path: string, options: unknown, bytes?: Uint8Array): Promise<string> {
  const content = createHash('sha256');
  if (bytes) content.update(bytes);
  else for await (const chunk of createReadStream(path)) content.update(chunk as Buffer);
  const seed = `ingestkit-cli/1\n${path}\n${content.digest('hex')}\n${JSON.stringify(options)}`;
  return `cli-${createHash('sha256').update(seed).digest('base64url')}`;
}

/**
 * The run's state file: JSON lines appended as files are accepted and settle (the last line of
 * a key wins), read back on a re-run. Lines go through one append stream, which coalesces the
 * writes of concurrent uploads: a crash can lose the last lines not yet written, and the files
 * they named are then sent again under the same Idempotency-Key, which answers the asset the
 * first run created (the state file saves requests; the keys are what prevent duplicates).
 */
export function createRunState(file: string) {
  const records = new Map<string, FileRecord>();
  let out: WriteStream | undefined;
  let failure: Error | undefined;
  return {
    async load(): Promise<void> {
      const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      });
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const record = JSON.parse(line) as FileRecord;
          records.set(record.key, { ...records.get(record.key), ...record });
        } catch {
          // A line cut off by a crash: the file is uploaded again, under the same key.
        }
      }
    },
    get: (key: string) => records.get(key),
    record(update: FileRecord): Promise<void> {
      records.set(update.key, { ...records.get(update.key), ...update });
      if (!out) {
        out = createWriteStream(file, { flags: 'a' });
        out.on('error', (err) => (failure ??= err));
      }
      out.write(`${JSON.stringify(update)}\n`);
      return Promise.resolve();
    },
    /** Writes what is buffered and closes the file; an error writing it surfaces here. */
    async close(): Promise<void> {
      const stream = out;
      if (stream && !failure) await new Promise<void>((resolve) => stream.end(resolve));
      if (failure) throw failure;
    },
  };
}
export type RunState = ReturnType<typeof createRunState>;
