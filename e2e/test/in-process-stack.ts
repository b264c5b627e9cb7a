import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIngestWorkerConfig, startIngestWorker } from '@ingestkit/ingest-worker';
import { createLogger, type ShutdownStep } from '@ingestkit/runtime';
import { deletePrefix, findFreePort, uniquePrefix } from '@ingestkit/testkit';
import { loadGatewayConfig, startGateway } from '@ingestkit/upload-gateway';

export const API_KEY = 'e2e-key';
const auth = { authorization: `Bearer ${API_KEY}` };

export type InProcessStack = Awaited<ReturnType<typeof startInProcessStack>>;

/**
 * Gateway and ingest worker in this process, built by their own start functions from an
 * environment (own queue prefix and data dir), as `npm start` builds them.
 */
export async function startInProcessStack(
  redisUrl: string,
  name: string,
  env: Record<string, string>,
  options: { deferWorker?: boolean } = {},
) {
  const prefix = uniquePrefix(`e2e-${name}`);
  const dataDir = await mkdtemp(join(tmpdir(), `ingestkit-e2e-${name}-`));
  const fullEnv = {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    API_KEYS: API_KEY,
    GATEWAY_SIGNING_SECRET: 'e2e-signing-secret-0123456789abcdef',
    GATEWAY_PORT: String(await findFreePort()),
    WORKER_METRICS_PORT: String(await findFreePort()),
    ...env,
  };
  const logger = createLogger({ name: 'e2e', level: 'silent' });
  let gateway = await startGateway(loadGatewayConfig(fullEnv), logger);
  let worker = options.deferWorker ? undefined : await startIngestWorker(loadIngestWorkerConfig(fullEnv), logger);
  const run = async (steps: ShutdownStep[]) => {
    for (const step of steps) await step.close();
  };
  return {
    url: gateway.url,
    dataDir,
    /** The stack's queue prefix, to look at or arrange its Redis state. */
    prefix,
    /** Starts the worker of a stack started with `deferWorker`. */
    async startWorker() {
      worker ??= await startIngestWorker(loadIngestWorkerConfig(fullEnv), logger);
    },
    /** Stops the gateway (its shutdown steps) and starts a new one on the same port and data. */
    async restartGateway() {
      await run(gateway.shutdownSteps);
      gateway = await startGateway(loadGatewayConfig(fullEnv), logger);
    },
    /** Mints an upload token with the API key. */
    async mintToken(limits: Record<string, unknown>): Promise<string> {
      const res = await fetch(`${gateway.url}/v1/upload-tokens`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(limits),
      });
      return ((await res.json()) as { token: string }).token;
    },
    /** The asset once it is ready, rejected or failed (or as it is after `timeoutMs`). */
    async settled(id: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await fetch(`${gateway.url}/v1/assets/${id}`, { headers: auth });
        const { asset } = (await res.json()) as { asset: { status: string; error?: unknown } & Record<string, any> };
        if (['ready', 'rejected', 'failed'].includes(asset.status) || Date.now() > deadline) return asset;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      await run(gateway.shutdownSteps);
      if (worker) await run(worker.shutdownSteps);
      await deletePrefix(redisUrl, prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
