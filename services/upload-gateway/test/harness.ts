import { mkdtemp, rm } from 'node:fs/promises';
import type { Express } from 'express';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queueNames } from '@ingestkit/contracts';
import { createRedisPurgeStore } from '@ingestkit/purge';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import {
  createLogger,
  createMetricsRegistry,
  closeQueues,
  createIngestQueues,
  createQueue,
  createRedis,
  listen,
  waitForRedis,
  type ImageKitSettings,
  type Redis,
} from '@ingestkit/runtime';
import {
  createHashPool,
  createLocalMultipartUploads,
  createLocalStore,
  createLocalUploadSigner,
  type DirectUploadSigner,
  type MultipartUploads,
  type ObjectStore,
  type Originals,
} from '@ingestkit/storage';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createGateway, type GatewayDeps } from '../src/gateway';
import { createTusMetrics } from '../src/tus/tus-metrics';
import { createTusDatastore } from '../src/tus/tus-store';
import { localUploadSecret } from '../src/http/signing-keys';

export const API_KEY = 'test-key';
export const ADMIN_KEY = 'test-admin-key';
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface TestGateway {
  url: string;
  /** The express app, for tests that read its mounted routes. */
  app: Express;
  prefix: string;
  dataDir: string;
  staging: ObjectStore;
  multipart: MultipartUploads;
  redis: Redis;
  close(): Promise<void>;
}

/**
 * The gateway of a test file: its own Redis and a gateway started before the file's tests and
 * stopped after them. Returns a stand-in that reads through to the started gateway, so it can
 * be used in tests and the helpers they call (not at module load, before `beforeAll` ran).
 */
export function useTestGateway(
  options: Omit<Parameters<typeof startTestGateway>[0], 'redisUrl'> = {},
): TestGateway & { redisUrl: string } {
  let redis: TestRedis | undefined;
  let started: TestGateway | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    started = await startTestGateway({ ...options, redisUrl: redis.url });
  });
  afterAll(async () => {
    await started?.close();
    await redis?.stop();
  });
  return new Proxy({} as TestGateway & { redisUrl: string }, {
    get(_target, key) {
      if (!started || !redis) throw new Error('the test gateway starts in beforeAll: use it inside tests');
      return key === 'redisUrl' ? redis.url : Reflect.get(started, key);
    },
  });
}

/** A gateway on a free port with real Redis (its own prefix) and a local store in a temp dir. */
export async function startTestGateway(options: {
  redisUrl: string;
  maxUploadBytes?: number;
  imagekit?: ImageKitSettings;
  maxPurgeUrlsPerCall?: number;
  /** Ingest backlog bound (default 0: none). */
  maxBacklog?: number;
  /** A staging store and its signer (default: a local store in a temp dir and the gateway's own URLs). */
  staging?: { store: ObjectStore; signer: DirectUploadSigner; multipart: MultipartUploads };
  /** Overrides of the browser-facing settings. */
  settings?: Partial<Pick<GatewayDeps['config'], 'cors' | 's3Events' | 'rateLimit' | 'sources' | 'directUploads' | 'policies'>>;
  /** Use this queue prefix (to share it with a test pipeline). */
  prefix?: string;
  /** The originals store (kept originals, read by reprocessing). */
  originals?: Originals;
}): Promise<TestGateway> {
  const prefix = options.prefix ?? uniquePrefix('gw');
  const dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-gw-'));
  const logger = createLogger({ name: 'test-gateway', level: 'silent' });
  const redis = createRedis({ url: options.redisUrl, role: 'producer' });
  await waitForRedis(redis, 5_000);
  const queues = createIngestQueues({ connection: redis, prefix });
  const purgeQueue = createQueue(queueNames.purge, { connection: redis, prefix });
  const eraseQueue = createQueue(queueNames.erase, { connection: redis, prefix });
  // Bucket imports are mounted (and documented) like in production; no lister runs in these tests.
  const importQueue = createQueue(queueNames.importList, { connection: redis, prefix });
  const localStore = createLocalStore({ root: dataDir });
  const staging = options.staging?.store ?? localStore;
  let url = '';
  const multipart =
    options.staging?.multipart ??
    createLocalMultipartUploads({ store: localStore, baseUrl: () => url, secret: localUploadSecret(SIGNING_SECRET) });
  const metrics = createMetricsRegistry({ service: 'upload-gateway', defaultMetrics: false });
  // Threads even on a small machine (production hashes inline below 3 cores): the tests cover the pool.
  const hashPool = createHashPool();
  const app = createGateway({
    config: {
      auth: { apiKeys: [API_KEY], isDevKey: false, adminKeys: [ADMIN_KEY] },
      limits: { maxUploadBytes: options.maxUploadBytes ?? 50 * 1024 * 1024, maxBacklog: options.maxBacklog ?? 0 },
      defaultDestination: 'local',
      destinations: options.imagekit ? ['local', 's3', 'imagekit'] : ['local', 's3'],
      imagekit: options.imagekit,
      purge: { maxUrlsPerCall: options.maxPurgeUrlsPerCall ?? 1_000 },
      signing: { secret: SIGNING_SECRET, isDevSecret: false },
      directUploads: { expiresInSeconds: 900, abandonMultipartAfterSeconds: 86_400 },
      cors: { origins: [] },
      s3Events: { token: undefined },
      rateLimit: { perMinute: 0 },
      sources: { buckets: [] },
      redis: { prefix },
      ...options.settings,
    },
    logger,
    metrics,
    redis,
    registry: createRedisAssetRegistry({ redis, prefix }),
    queues,
    purgeQueue,
    eraseQueue,
    importQueue,
    boardQueues: [],
    purges: createRedisPurgeStore({ redis, prefix }),
    staging,
    uploadSigner:
      options.staging?.signer ?? createLocalUploadSigner({ baseUrl: () => url, secret: localUploadSecret(SIGNING_SECRET) }),
    multipart,
    localAssets: localStore,
    hashPool,
    ...(options.originals ? { originals: options.originals } : {}),
    ...(options.staging
      ? {}
      : {
          tus: {
            datastore: createTusDatastore({ driver: 'local', root: dataDir }, 86_400_000),
            metrics: createTusMetrics(metrics),
          },
        }),
  });
  const server = await listen(app, { port: 0, host: '127.0.0.1' });
  url = server.url;
  return {
    url: server.url,
    app,
    prefix,
    dataDir,
    staging,
    multipart,
    redis,
    close: async () => {
      server.server.closeAllConnections();
      await server.close();
      await Promise.all([closeQueues(queues), purgeQueue.close(), eraseQueue.close(), importQueue.close(), hashPool.close()]);
      await deletePrefix(options.redisUrl, prefix).catch(() => {});
      redis.disconnect();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs a multipart upload with fetch; `files` are sent as `file` parts unless named. */
export async function postUpload(
  gateway: { url: string },
  options: {
    files?: Array<{ data: Buffer; name?: string; field?: string; type?: string }>;
    fields?: Record<string, string>;
    apiKey?: string | null;
  },
): Promise<{ status: number; body: any; headers: Headers }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  for (const file of options.files ?? []) {
    form.append(
      file.field ?? 'file',
      new Blob([file.data], { type: file.type ?? 'application/octet-stream' }),
      file.name ?? 'upload.bin',
    );
  }
  const headers: Record<string, string> = {};
  if (options.apiKey !== null) headers.authorization = `Bearer ${options.apiKey ?? API_KEY}`;
  const response = await fetch(`${gateway.url}/v1/uploads`, { method: 'POST', body: form, headers });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** A JSON request to the gateway; `auth` is the bearer (default: the API key; `null`: none). */
export async function callJson(
  gateway: { url: string },
  method: string,
  path: string,
  options: { body?: unknown; auth?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== null) headers.authorization = `Bearer ${options.auth ?? API_KEY}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Mints an upload token with the API key. */
export async function mintUploadToken(gateway: { url: string }, limits: Record<string, unknown> = {}): Promise<string> {
  const res = await callJson(gateway, 'POST', '/v1/upload-tokens', { body: limits });
  if (res.status !== 201) throw new Error(`minting failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}
