import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { queueNames, type QueueName } from '@ingestkit/contracts';
import { startEmulator, type Emulator, type FaultOptions } from '@ingestkit/imagekit-emulator';
import { findFreePort, startRedisServer, type RedisServerProcess } from '@ingestkit/testkit';
import { NotificationSink } from './notification-sink';
import { ServiceProcess, type ServiceKind } from './service-process';
import { WebhookRelay } from './webhook-relay';

// Development credentials of the chaos cluster only (the emulator accepts whatever it is given).
export const API_KEY = 'chaos-dev-key';
const IMAGEKIT_PRIVATE_KEY = 'private_chaos_dev';
const IMAGEKIT_PUBLIC_KEY = 'public_chaos_dev';
const IMAGEKIT_WEBHOOK_SECRET = 'whsec_Y2hhb3Mtd2ViaG9vay1kZXYtc2VjcmV0';
const NOTIFY_SECRET = 'whsec_Y2hhb3Mtbm90aWZ5LWRldi1zZWNyZXQ=';
const SIGNING_SECRET = 'chaos-dev-signing-secret-0123456789abcdef';
const PREFIX = 'chaos';

export interface ClusterOptions {
  /** Directory of this run: data, Redis files and one log per service. */
  dir: string;
  workers: number;
  /** Stall detection of the workers: lock and check interval in ms. */
  stallMs: number;
  /** How long an abandoned upload (or a crashed write) may sit in staging before it is swept, in seconds. */
  stagingOrphanAfterSeconds: number;
  /** Extra environment for every service. */
  env?: Record<string, string>;
}

/** `count` free ports, no two alike. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

/**
 * A whole ingestkit deployment on this machine, each part in its own process: a `redis-server`
 * with AOF on a free port, the gateway, N ingest workers, the webhook receiver and the purge
 * service; plus, in this process, the ImageKit emulator, the webhook relay between them and the
 * backend app that receives notifications. Everything the chaos scenarios break is real.
 */
export class Cluster {
  readonly workers: ServiceProcess[] = [];
  gateway!: ServiceProcess;
  webhooks!: ServiceProcess;
  purge!: ServiceProcess;
  redis!: RedisServerProcess;
  emulator!: Emulator;
  relay!: WebhookRelay;
  readonly sink = new NotificationSink(NOTIFY_SECRET);
  readonly dataDir: string;
  private redisClient: Redis | undefined;
  private readonly queues = new Map<QueueName, Queue>();

  private constructor(readonly options: ClusterOptions) {
    this.dataDir = join(options.dir, 'data');
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    await cluster.boot();
    return cluster;
  }

  get gatewayUrl(): string {
    return this.gateway.url;
  }

  get prefix(): string {
    return PREFIX;
  }

  services(): ServiceProcess[] {
    return [this.gateway, ...this.workers, this.webhooks, this.purge];
  }

  private async boot(): Promise<void> {
    await mkdir(join(this.options.dir, 'redis'), { recursive: true });
    await mkdir(this.dataDir, { recursive: true });
    this.redis = await startRedisServer({ dir: join(this.options.dir, 'redis'), appendonly: true });
    let webhookPort = 0;
    this.relay = new WebhookRelay(() => `http://127.0.0.1:${webhookPort}/webhooks/imagekit`);
    const relayUrl = await this.relay.start();
    this.emulator = await startEmulator({
      privateKey: IMAGEKIT_PRIVATE_KEY,
      publicKey: IMAGEKIT_PUBLIC_KEY,
      webhookUrl: relayUrl,
      webhookSecret: IMAGEKIT_WEBHOOK_SECRET,
      // ImageKit retries for hours; here a receiver that is down is retried within a minute.
      webhookRetry: { delaysMs: [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000], timeoutMs: 10_000 },
      purgeCompletesAfterMs: 300,
    });
    const notifyUrl = await this.sink.start();
    // Ports for the services only once this process's own servers listen, so none is handed out twice.
    const ports = await distinctFreePorts(4 + this.options.workers);
    const gatewayPort = ports.pop()!;
    webhookPort = ports.pop()!;
    const purgePort = ports.pop()!;
    const common: Record<string, string> = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      REDIS_URL: this.redis.url,
      QUEUE_PREFIX: PREFIX,
      DATA_DIR: this.dataDir,
      API_KEYS: API_KEY,
      GATEWAY_SIGNING_SECRET: SIGNING_SECRET,
      GATEWAY_PORT: String(gatewayPort),
      PUBLIC_URL: `http://127.0.0.1:${gatewayPort}`,
      IMAGEKIT_PRIVATE_KEY,
      IMAGEKIT_PUBLIC_KEY,
      IMAGEKIT_URL_ENDPOINT: this.emulator.urlEndpoint,
      IMAGEKIT_BASE_URL: this.emulator.url,
      SHUTDOWN_TIMEOUT_MS: '20000',
      WORKER_LOCK_MS: String(this.options.stallMs),
      WORKER_STALLED_INTERVAL_MS: String(this.options.stallMs),
      STAGING_ORPHAN_AFTER_SECONDS: String(this.options.stagingOrphanAfterSeconds),
      ...this.options.env,
    };
    const spec = async (name: string, kind: ServiceKind, port: number, env: Record<string, string> = {}) =>
      new ServiceProcess({ name, kind, port, env: { ...common, ...env }, logFile: join(this.options.dir, `${name}.log`) });

    this.gateway = await spec('gateway', 'gateway', gatewayPort);
    for (let index = 1; index <= this.options.workers; index++) {
      const port = ports.pop()!;
      this.workers.push(
        await spec(`worker-${index}`, 'worker', port, {
          WORKER_METRICS_PORT: String(port),
          WORKER_CONCURRENCY: '2',
          NOTIFY_URL: notifyUrl,
          NOTIFY_SECRET,
        }),
      );
    }
    this.webhooks = await spec('webhook-receiver', 'webhooks', webhookPort, {
      WEBHOOK_PORT: String(webhookPort),
      IMAGEKIT_WEBHOOK_SECRET,
    });
    this.purge = await spec('purge-service', 'purge', purgePort, {
      PURGE_METRICS_PORT: String(purgePort),
      PURGE_WINDOW_MS: '500',
      PURGE_POLL_MS: '500',
    });
    await Promise.all(this.services().map((service) => service.start()));
  }

  /** Replaces the emulator's faults (all of them). */
  setImageKitFaults(faults: FaultOptions): void {
    this.emulator.setFaults(faults);
  }

  /** SIGKILL to Redis, then the same server again on the same port and AOF directory. */
  async crashAndRestartRedis(downMs: number): Promise<void> {
    await this.redis.kill();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.redis = await startRedisServer({ port: this.redis.port, dir: this.redis.dir, appendonly: true });
    this.redisClient?.disconnect();
    this.redisClient = undefined;
    for (const queue of this.queues.values()) await queue.close().catch(() => undefined);
    this.queues.clear();
  }

  /** SIGSTOP to Redis for `ms`: connections stay open, nothing answers (a partition), then SIGCONT. */
  async freezeRedis(ms: number): Promise<void> {
    this.redis.process.kill('SIGSTOP');
    try {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } finally {
      this.redis.process.kill('SIGCONT');
    }
  }

  /** A client of the cluster's Redis, for audits. */
  redisConnection(): Redis {
    this.redisClient ??= new Redis(this.redis.url, { maxRetriesPerRequest: 3 });
    return this.redisClient;
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: { url: this.redis.url }, prefix: PREFIX });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** The ingest stages and notifications, the queues whose workers the chaos kills. */
  static readonly stageQueues = [queueNames.validate, queueNames.optimize, queueNames.deliver, queueNames.notify] as const;

  async close(): Promise<void> {
    await Promise.all(this.services().map((service) => service.close()));
    for (const queue of this.queues.values()) await queue.close().catch(() => undefined);
    this.redisClient?.disconnect();
    await this.relay.close();
    await this.sink.close();
    await this.emulator.close();
    await this.redis.stop();
  }
}
