#!/usr/bin/env node
// `npm start`: the whole pipeline in one process on one machine (the embedded default):
// upload gateway and ingest worker, local staging and destination under DATA_DIR, Redis at
// REDIS_URL. If that Redis does not answer and `redis-server` is on PATH, one is started for
// the session with its data under DATA_DIR/redis. In production each service runs on its own
// (`npm start -w services/<name>`).
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { Redis } = require('ioredis');
const { createLogger, installGracefulShutdown, ConfigError } = require('@ingestkit/runtime');
const { loadGatewayConfig, startGateway } = require('@ingestkit/upload-gateway');
const { loadIngestWorkerConfig, startIngestWorker } = require('@ingestkit/ingest-worker');
const { loadWebhookReceiverConfig, startWebhookReceiver } = require('@ingestkit/webhook-receiver');
const { loadPurgeServiceConfig, startPurgeService } = require('@ingestkit/purge-service');

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function answers(url) {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function ensureRedis(url, dataDir) {
  if (await answers(url)) return undefined;
  const { hostname, port } = new URL(url);
  const isLocal = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(hostname);
  const hasServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isLocal || !hasServer) {
    fail(
      `Redis is not reachable at ${url}: start one (apt-get install redis-server, brew install redis, ` +
        `or docker run -p 6379:6379 redis:7) or point REDIS_URL at yours.`,
    );
  }
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      port || '6379',
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50 && child.exitCode === null; i++) {
    if (await answers(url)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  fail(`Redis is not reachable at ${url}, and the redis-server started for this session did not come up.`);
}

async function main() {
  let gatewayConfig;
  let workerConfig;
  let webhookConfig;
  let purgeConfig;
  try {
    gatewayConfig = loadGatewayConfig(process.env);
    workerConfig = loadIngestWorkerConfig(process.env);
    // The receiver needs the ImageKit webhook secret; without one the embedded default runs without it.
    webhookConfig = process.env.IMAGEKIT_WEBHOOK_SECRET ? loadWebhookReceiverConfig(process.env) : undefined;
    // The purge service exists to call a CDN; it runs when the ImageKit account is configured.
    purgeConfig = gatewayConfig.imagekit ? loadPurgeServiceConfig(process.env) : undefined;
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : String(err));
  }
  const redisChild = await ensureRedis(gatewayConfig.redis.url, gatewayConfig.stores.dataDir);
  const logger = createLogger({ name: 'ingestkit', level: gatewayConfig.logLevel });
  const gateway = await startGateway(gatewayConfig, createLogger({ name: 'upload-gateway', level: gatewayConfig.logLevel }));
  const worker = await startIngestWorker(workerConfig, createLogger({ name: 'ingest-worker', level: workerConfig.logLevel }));
  const webhooks =
    webhookConfig &&
    (await startWebhookReceiver(webhookConfig, createLogger({ name: 'webhook-receiver', level: webhookConfig.logLevel })));
  const purges =
    purgeConfig && (await startPurgeService(purgeConfig, createLogger({ name: 'purge-service', level: purgeConfig.logLevel })));
  const steps = [
    ...gateway.shutdownSteps,
    ...worker.shutdownSteps,
    ...(webhooks ? webhooks.shutdownSteps : []),
    ...(purges ? purges.shutdownSteps : []),
  ];
  if (redisChild) {
    steps.push({
      name: 'redis-server',
      close: () =>
        new Promise((resolve) => {
          redisChild.once('exit', resolve);
          redisChild.kill('SIGTERM');
        }),
    });
  }
  installGracefulShutdown({ logger, deadlineMs: gatewayConfig.shutdownTimeoutMs, steps });

  const lines = [
    '',
    '  ingestkit is running (embedded default: every service in this process)',
    `  gateway   ${gateway.url}            uploads: POST ${gateway.url}/v1/uploads`,
    `  docs      ${gateway.url}/docs (OpenAPI: /openapi.json; health: /healthz, /readyz; metrics: /metrics)`,
    `  worker    metrics ${worker.metricsUrl}`,
    webhooks
      ? `  webhooks  ImageKit → POST ${webhooks.url}/webhooks/imagekit`
      : '  webhooks  off (set IMAGEKIT_WEBHOOK_SECRET to receive ImageKit webhooks)',
    purges
      ? `  purges    POST ${gateway.url}/v1/purge → ImageKit (budget ${purgeConfig.purge.monthlyBudget}/month; metrics ${purges.url}/metrics)`
      : '  purges    off (configure ImageKit to purge its CDN)',
    `  redis     ${gatewayConfig.redis.url}${redisChild ? ` (started for this session, data in ${join(gatewayConfig.stores.dataDir, 'redis')})` : ''}`,
    `  data      ${gatewayConfig.stores.dataDir}`,
    gatewayConfig.auth.isDevKey
      ? '  api key   "dev-key" (DEVELOPMENT key: set API_KEYS for anything else)'
      : '  api key   from API_KEYS',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
