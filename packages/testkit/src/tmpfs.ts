import { execFile } from 'node:child_process';
import { mkdtemp, open, rm, rmdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A tiny tmpfs mounted for one test file: a real disk that fills up and can turn read-only. */
export interface TestTmpfs {
  /** The mount point (empty at first). */
  dir: string;
  /**
   * Writes `.filler` at the root until the file system answers ENOSPC: the disk is now full,
   * or has exactly `leaveFreeBytes` (rounded to pages) left when that is given.
   */
  fill(options?: { leaveFreeBytes?: number }): Promise<void>;
  /** Removes `.filler`: the space is back. */
  drain(): Promise<void>;
  /** `mount -o remount,ro`: every write now fails with EROFS (even as root). */
  remountReadOnly(): Promise<void>;
  /** `mount -o remount,rw`. */
  remountWritable(): Promise<void>;
  /** `chattr +i` / `chattr -i` on a file under `dir`: an immutable file cannot be replaced or removed, even by root. */
  setImmutable(relativePath: string, isImmutable: boolean): Promise<void>;
  /** Unmounts (lazily if still busy) and removes the mount point. Idempotent; call it in `afterAll`. */
  unmount(): Promise<void>;
}

/** Names of the files that fill the disk; dot-named, so the local store never lists them as objects. */
const FILLER = '.filler';
const SPACER = '.spacer';

/**
 * Mounts a tmpfs of `sizeBytes` (default 2 MiB) under a fresh temp directory, for tests of
 * full and read-only disks. Needs root (or CAP_SYS_ADMIN), as on the development and CI
 * machines. When `mount` is refused it throws, so the test fails with the reason instead of
 * silently skipping the fault it was meant to prove.
 */
export async function mountTmpfs(options: { sizeBytes?: number } = {}): Promise<TestTmpfs> {
  const sizeBytes = options.sizeBytes ?? 2 * 1024 * 1024;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ingestkit-tmpfs-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir]);
  } catch (err) {
    await rmdir(dir).catch(() => undefined);
    const reason = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new Error(
      `mountTmpfs: cannot mount a tmpfs at ${dir} (${reason}). The storage fault tests need a real ` +
        'full and read-only disk: run them as root (or with CAP_SYS_ADMIN) on Linux.',
      { cause: err },
    );
  }
  let unmounted: Promise<void> | undefined;
  const remount = (mode: 'ro' | 'rw') => run('mount', ['-o', `remount,${mode}`, dir]).then(() => undefined);
  return {
    dir,
    async fill(fillOptions = {}) {
      // Reserve the space to leave, fill the rest, then give the reserve back.
      if (fillOptions.leaveFreeBytes) await writeFile(path.join(dir, SPACER), Buffer.alloc(fillOptions.leaveFreeBytes, 1));
      const handle = await open(path.join(dir, FILLER), 'a');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) await handle.write(chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        await handle.close();
      }
      await rm(path.join(dir, SPACER), { force: true });
    },
    drain: () => rm(path.join(dir, FILLER), { force: true }),
    remountReadOnly: () => remount('ro'),
    remountWritable: () => remount('rw'),
    setImmutable: (relativePath, isImmutable) =>
      run('chattr', [isImmutable ? '+i' : '-i', path.join(dir, relativePath)]).then(() => undefined),
    unmount: () =>
      (unmounted ??= (async () => {
        await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
        await rmdir(dir);
      })()),
  };
}
