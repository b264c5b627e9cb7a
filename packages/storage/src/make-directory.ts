import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { errnoOf } from './local-store-errors';

/**
 * `mkdir -p` that reports why it failed. Node's recursive mkdir answers ENOENT when a missing
 * directory cannot be created on a read-only file system (and for some other refusals), which
 * would hide EROFS behind "no such file": on ENOENT this retries one level at a time, so the
 * error thrown is the real one (EROFS, EACCES, ENOSPC, ENOTDIR…).
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    await makeDirectoryStepwise(dir);
  }
}

async function makeDirectoryStepwise(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'EEXIST') return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    await makeDirectoryStepwise(parent);
    await mkdir(dir).catch((retryErr: unknown) => {
      if (errnoOf(retryErr) !== 'EEXIST') throw retryErr;
    });
  }
}
