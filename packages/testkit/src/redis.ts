import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findFreePort } from './free-port';
import { isDockerAvailable } from './docker';

export interface TestRedis {
  url: string;
  /** Where it came from: the `REDIS_URL` given, a container, or a `redis-server` we started. */
  source: 'env' | 'container' | 'redis-server';
  stop(): Promise<void>;
}

const HOW_TO_GET_REDIS =
  'No Redis for the tests: set REDIS_URL to a Redis ≥ 6.2, start a Docker engine (testcontainers), ' +
  'or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis).';

/**
 * A Redis for tests: `REDIS_URL` when set, else a testcontainers Redis when a Docker engine
 * answers, else `redis-server` from PATH on a free port (no persistence), else a clear error.
 * Tests isolate themselves with `uniquePrefix()`, so one Redis serves every test file.
 */
export async function startRedis(env: Record<string, string | undefined> = process.env): Promise<TestRedis> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, source: 'env', stop: async () => {} };
  if (await isDockerAvailable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine')
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      source: 'container',
      stop: async () => {
        await container.stop();
      },
    };
  }
  if (!hasRedisServer()) throw new Error(HOW_TO_GET_REDIS);
  const server = await startRedisServer();
  return { url: server.url, source: 'redis-server', stop: server.stop };
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface RedisServerProcess {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** SIGKILL: simulates a crash; data survives only what AOF had written. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a private `redis-server` on a free port, for tests that must kill or restart Redis.
 * `appendonly` turns on AOF (fsync every second) so restarts keep data, as in production.
 */
export async function startRedisServer(
  options: { port?: number; dir?: string; appendonly?: boolean } = {},
): Promise<RedisServerProcess> {
  const port = options.port ?? (await findFreePort());
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'ingestkit-redis-')));
  const ownsDir = options.dir === undefined;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction'];
  args.push('--appendonly', options.appendonly ? 'yes' : 'no');
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  await waitForRedis(url, child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const terminate = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    port,
    dir,
    process: child,
    kill: () => terminate('SIGKILL'),
    stop: async () => {
      await terminate('SIGTERM');
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForRedis(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server did not answer at ${url} within 10 s`);
}

/** A queue/key prefix no other test uses, so tests share one Redis without seeing each other. */
export function uniquePrefix(label = 'test'): string {
  return `ik-${label}-${randomBytes(5).toString('hex')}`;
}

/** Deletes every key under a prefix (call in afterAll). */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
