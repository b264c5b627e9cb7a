// Proves mountTmpfs gives a real disk that fills up and turns read-only, always unmounts, and fails loudly (never skips) when it cannot mount.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mountTmpfs } from '../src/tmpfs';

const isMounted = async (dir: string) => (await readFile('/proc/mounts', 'utf8')).includes(` ${dir} `);

it('fills up, drains, turns read-only and back, and unmounts', async () => {
  const disk = await mountTmpfs({ sizeBytes: 1024 * 1024 });
  try {
    expect(await isMounted(disk.dir)).toBe(true);
    await disk.fill();
    await expect(writeFile(path.join(disk.dir, 'one-byte'), 'x')).rejects.toMatchObject({ code: 'ENOSPC' });
    await disk.drain();
    await writeFile(path.join(disk.dir, 'one-byte'), 'x');
    await disk.remountReadOnly();
    await expect(writeFile(path.join(disk.dir, 'other'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    await disk.remountWritable();
    await writeFile(path.join(disk.dir, 'other'), 'x');
  } finally {
    await disk.unmount();
  }
  expect(await isMounted(disk.dir)).toBe(false);
  expect(existsSync(disk.dir)).toBe(false);
});

it('throws a clear error when mount is refused', async () => {
  await expect(mountTmpfs({ sizeBytes: Number.NaN })).rejects.toThrow(/cannot mount a tmpfs[\s\S]*run them as root/);
});
