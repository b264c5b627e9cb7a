// Proves the ingestkit CLI against the real gateway and worker: in a pseudo-terminal it renders live progress and a correct summary, and a run killed halfway through 300 files then re-run leaves exactly 300 assets.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@ingestkit/client';
import { makeJpeg, makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import sharp from 'sharp';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(180_000);

const cli = join(__dirname, '../../packages/client/dist/cli.cjs');
let redis: TestRedis;
let stack: InProcessStack;
let dir: string;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startInProcessStack(redis.url, 'cli', {});
  dir = await mkdtemp(join(tmpdir(), 'ingestkit-cli-'));
});

afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
  await redis.stop();
});

const env = () => ({ ...process.env, INGESTKIT_URL: stack.url, INGESTKIT_API_KEY: API_KEY, NO_COLOR: '1' });

/** `count` distinct tiny images (each a different colour), named without extensions. */
async function writeImages(folder: string, count: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < count; i += 1) {
    const image = await sharp({
      create: { width: 16, height: 16, channels: 3, background: { r: i % 256, g: (i >> 8) * 40, b: 7 } },
    })
      .png()
      .toBuffer();
    await writeFile(join(folder, `img-${String(i).padStart(4, '0')}`), image);
  }
}

/** Runs a command to its end without blocking this process (the gateway and worker run in it). */
function run(command: string, args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env(), stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout }));
  });
}

async function countAssets(folder: string): Promise<number> {
  let count = 0;
  for await (const asset of createClient({ url: stack.url, apiKey: API_KEY }).assets.list({ folder })) count += asset ? 1 : 0;
  return count;
}

it('shows live progress in a terminal and ends with the right summary and exit code', async () => {
  const folder = join(dir, 'pty');
  await mkdir(join(folder, 'nested'), { recursive: true });
  await writeFile(join(folder, 'photo.png.txt'), await makePng({ width: 64, height: 48 })); // an image despite its name
  await writeFile(join(folder, 'nested', 'a.jpg'), await makeJpeg({ width: 64, height: 48 }));
  await writeFile(join(folder, 'nested', 'b.jpg'), await makeJpeg({ width: 80, height: 60 }));
  await writeFile(join(folder, 'notes.jpg'), 'not an image, despite its name');
  await writeFile(join(folder, 'broken.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 1)]));
  const command = `node ${cli} upload ${folder} --folder pty --concurrency 2 --wait --state ${join(dir, 'pty.state')}`;
  // `script` gives the CLI a pseudo-terminal; what it draws there comes back on script's stdout.
  const result = await run('script', ['-qfec', command, '/dev/null']);
  const screen = result.stdout.replace(/\r\n/g, '\n');
  expect(screen).toMatch(/[█░].*\d+% \| \d+\/4 files \| .*B.* \| ETA/); // the bar, drawn on the terminal
  expect(screen).toMatch(/files\s+5\n/);
  expect(screen).toMatch(/accepted\s+4\n/);
  expect(screen).toMatch(/ready\s+3\n/);
  expect(screen).toMatch(/not images \(skipped\)\s+1\n/);
  expect(screen).toMatch(/rejected: corrupt_image\s+1\n/);
  expect(result.status).toBe(1); // one rejected
  expect(await countAssets('pty')).toBe(4);
});

it('resumes after being killed halfway through 300 files: exactly 300 assets', async () => {
  const folder = join(dir, 'bulk');
  await writeImages(folder, 300);
  const state = join(dir, 'bulk.state');
  const args = [cli, 'upload', folder, '--folder', 'bulk', '--concurrency', '4', '--state', state];
  const first = spawn(process.execPath, args, { env: env(), stdio: 'ignore' });
  const accepted = async () => (existsSync(state) ? (await readFile(state, 'utf8')).split('\n').filter(Boolean).length : 0);
  while ((await accepted()) < 120 && first.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const before = await accepted();
  expect(before).toBeGreaterThanOrEqual(120);
  expect(before).toBeLessThan(300);

  const second = await run(process.execPath, [...args, '--json']);
  expect(second.status).toBe(0);
  const { summary } = JSON.parse(second.stdout) as { summary: { accepted: number; resumed: number } };
  expect(summary.accepted).toBe(300);
  expect(summary.resumed).toBe(before);
  expect(await countAssets('bulk')).toBe(300);
});
