// Proves the image pool isolates hostile images: a child that runs out of memory, crashes or hangs fails only its own image, with resource_limit_exceeded, while an innocent image in the other child finishes and the pool keeps working.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeJpeg } from '@ingestkit/testkit';
import { createImagePool, createPolicyRegistry, defaultImagingLimits, type ImagePool } from '../src';

const policy = createPolicyRegistry().resolve({ name: 'default', destination: 'local' });
let dir: string;
let innocent: string;
let hungry: string;
let pool: ImagePool;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imaging-pool-'));
  innocent = join(dir, 'innocent.jpg');
  await writeFile(innocent, await makeJpeg({ width: 1200, height: 800 }));
  // A progressive JPEG must be decoded whole (every DCT coefficient at once): 9000×9000 needs
  // ≈ 490 MB for the coefficients alone, over the 320 MB a child may use below.
  hungry = join(dir, 'hungry.jpg');
  await sharp({ create: { width: 9000, height: 9000, channels: 3, background: '#3a6' } })
    .jpeg({ progressive: true, quality: 50 })
    .toFile(hungry);
});
afterEach(async () => {
  await pool?.close(); // also when a test failed half-way: no child outlives its test
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('runs probe and optimize in child processes and returns their results', async () => {
  pool = createImagePool({ size: 2, maxMemoryMb: 0, timeoutMs: 30_000 });
  const info = await pool.probe(innocent, defaultImagingLimits);
  expect(info).toMatchObject({ format: 'jpeg', width: 1200, height: 800 });
  const out = await pool.optimize(innocent, policy, defaultImagingLimits);
  expect(Buffer.isBuffer(out.data)).toBe(true);
  expect(await sharp(out.data).metadata()).toMatchObject({ format: out.format, width: 1200, height: 800 });
  expect(out.variants.every((variant) => Buffer.isBuffer(variant.data))).toBe(true);
  expect(pool.pids().length).toBeGreaterThanOrEqual(1);
  await expect(pool.probe(join(dir, 'missing.jpg'), defaultImagingLimits)).rejects.toMatchObject({ code: 'internal_error' });
  await pool.close();
});

it('an image over the memory limit fails with resource_limit_exceeded; the innocent one beside it finishes', async () => {
  pool = createImagePool({ size: 2, maxMemoryMb: 320, timeoutMs: 30_000 });
  const limits = { ...defaultImagingLimits, maxProgressivePixels: 100_000_000, maxInputPixels: 100_000_000 };
  const [bad, good] = await Promise.allSettled([pool.optimize(hungry, policy, limits), pool.optimize(innocent, policy, limits)]);
  expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'resource_limit_exceeded', details: { reason: 'memory' } } });
  expect(good).toMatchObject({ status: 'fulfilled', value: { width: 1200 } });
  // the child that ran out was replaced: both children serve innocent images again
  const again = await Promise.all([pool.optimize(innocent, policy, limits), pool.optimize(innocent, policy, limits)]);
  expect(again.map((out) => out.width)).toEqual([1200, 1200]);
  await pool.close();
});

it('a child killed mid-image fails only that image, and a new child serves the next one', async () => {
  pool = createImagePool({ size: 2, maxMemoryMb: 0, timeoutMs: 30_000 });
  await pool.probe(innocent, defaultImagingLimits); // start a child
  const [first] = pool.pids();
  const victim = pool.optimize(hungry, policy, {
    ...defaultImagingLimits,
    maxProgressivePixels: 100_000_000,
    maxInputPixels: 100_000_000,
  });
  const bystander = pool.optimize(innocent, policy, defaultImagingLimits);
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.kill(first!, 'SIGKILL'); // what a codec abort or the kernel's OOM killer does
  await expect(victim).rejects.toMatchObject({
    code: 'resource_limit_exceeded',
    details: { reason: 'crash', signal: 'SIGKILL' },
  });
  await expect(bystander).resolves.toMatchObject({ width: 1200 });
  await expect(pool.probe(innocent, defaultImagingLimits)).resolves.toMatchObject({ width: 1200 });
  expect(pool.pids()).not.toContain(first);
  await pool.close();
});

it('an image that takes too long is stopped with resource_limit_exceeded', async () => {
  pool = createImagePool({ size: 1, maxMemoryMb: 0, timeoutMs: 50 });
  await expect(
    pool.optimize(hungry, policy, { ...defaultImagingLimits, maxProgressivePixels: 100_000_000, maxInputPixels: 100_000_000 }),
  ).rejects.toMatchObject({ code: 'resource_limit_exceeded', details: { reason: 'time' } });
  await pool.close();
});
