import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIngestWorkerConfig, startIngestWorker } from '@ingestkit/ingest-worker';
import { createLogger, type ShutdownStep } from '@ingestkit/runtime';
import { deletePrefix, findFreePort, makeJpeg, uniquePrefix } from '@ingestkit/testkit';
import { loadGatewayConfig, startGateway } from '@ingestkit/upload-gateway';

/** Two API keys, as a real deployment has (one per backend, say); tokens are minted with the first. */
export const API_KEYS = ['hostile-suite-key-one', 'hostile-suite-key-two'] as const;
export const ADMIN_KEY = 'hostile-suite-admin-key';
export const SIGNING_SECRET = 'hostile-suite-signing-secret-0123456789abcdef';
export const CORS_ORIGIN = 'https://app.example.test';

export type HostileStack = Awaited<ReturnType<typeof startHostileStack>>;

/**
 * The gateway and the ingest worker from their production entries (`startGateway`,
 * `startIngestWorker` on a loaded environment), with real-looking settings: two API keys, an
 * admin key, a signing secret and one CORS origin. Local staging under a temp `DATA_DIR`, so a
 * test can measure on disk what an attacker made the gateway write. `env` overrides settings.
 */
export async function startHostileStack(redisUrl: string, name: string, env: Record<string, string> = {}) {
  const prefix = uniquePrefix(`hostile-${name}`);
  const dataDir = await mkdtemp(join(tmpdir(), `ingestkit-hostile-${name}-`));
  const fullEnv: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    API_KEYS: API_KEYS.join(','),
    ADMIN_API_KEYS: ADMIN_KEY,
    GATEWAY_SIGNING_SECRET: SIGNING_SECRET,
    CORS_ORIGINS: CORS_ORIGIN,
    HOST: '127.0.0.1',
    GATEWAY_PORT: String(await findFreePort()),
    WORKER_METRICS_PORT: String(await findFreePort()),
    ...env,
  };
  const logger = createLogger({ name: 'hostile', level: 'silent' });
  const gateway = await startGateway(loadGatewayConfig(fullEnv), logger);
  const worker = await startIngestWorker(loadIngestWorkerConfig(fullEnv), logger);
  const run = async (steps: ShutdownStep[]) => {
    for (const step of steps) await step.close();
  };
  const apiKey = (index = 0) => ({ authorization: `Bearer ${API_KEYS[index]}` });
  return {
    url: gateway.url,
    prefix,
    dataDir,
    env: fullEnv,
    apiKey,
    /** Mints an upload token with an API key (the first by default); fails the test on a non-201. */
    async mintToken(limits: Record<string, unknown>, keyIndex = 0): Promise<string> {
      const res = await fetch(`${gateway.url}/v1/upload-tokens`, {
        method: 'POST',
        headers: { ...apiKey(keyIndex), 'content-type': 'application/json' },
        body: JSON.stringify(limits),
      });
      if (res.status !== 201) throw new Error(`minting a token answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    /**
     * Bytes on disk the local staging store holds: the assets' staging keys (`staging/`), every
     * multipart temp area (`multipart/`) and writes in flight (the store's temp files, `.tmp/`,
     * which the local destination's writes share).
     */
    stagingBytes: () => bytesUnder(...['staging', 'multipart', '.tmp'].map((dir) => join(dataDir, dir))),
    /** Bytes on disk under the whole data dir (staging, multipart areas, delivered assets). */
    dataBytes: () => bytesUnder(dataDir),
    /** The asset as the API key sees it. */
    async asset(id: string) {
      const res = await fetch(`${gateway.url}/v1/assets/${id}`, { headers: apiKey() });
      return ((await res.json()) as { asset: { status: string; error?: { code: string } } & Record<string, any> }).asset;
    },
    /** The asset once it is ready, rejected or failed (or as it is after `timeoutMs`). */
    async settled(id: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const asset = await this.asset(id);
        if (['ready', 'rejected', 'failed'].includes(asset.status) || Date.now() > deadline) return asset;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    /**
     * An honest client's upload, end to end: accepted (202) and `ready`. Hostile tests call it
     * during and after an attack to show the service keeps serving.
     */
    async honestUpload(): Promise<{ status: number; assetStatus: string }> {
      const form = new FormData();
      form.set('file', new Blob([await makeJpeg({ width: 64, height: 48 })], { type: 'image/jpeg' }), 'honest.jpg');
      const res = await fetch(`${gateway.url}/v1/uploads`, { method: 'POST', headers: apiKey(1), body: form });
      if (res.status !== 202) return { status: res.status, assetStatus: 'none' };
      const { asset } = (await res.json()) as { asset: { id: string } };
      return { status: res.status, assetStatus: (await this.settled(asset.id)).status };
    },
    async stop() {
      await run(gateway.shutdownSteps);
      await run(worker.shutdownSteps);
      await deletePrefix(redisUrl, prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Total size of the regular files below the `dirs` (0 for one that does not exist). Each file
 * counts once by inode, so a file renamed from one scanned directory to another between the
 * scans (the store's temp file moving into place) is not counted twice.
 */
export async function bytesUnder(...dirs: string[]): Promise<number> {
  const sizes = new Map<string, number>();
  for (const dir of dirs) {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const info = await stat(join(entry.parentPath, entry.name)).catch(() => undefined);
      if (info) sizes.set(`${info.dev}:${info.ino}`, info.size);
    }
  }
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}
