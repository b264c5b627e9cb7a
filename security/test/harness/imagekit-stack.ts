import { createLogger, type ShutdownStep } from '@ingestkit/runtime';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { loadPurgeServiceConfig, startPurgeService } from '@ingestkit/purge-service';
import { findFreePort } from '@ingestkit/testkit';
import { startHostileStack, type HostileStack } from './hostile-stack';

export type ImageKitHostileStack = HostileStack & { emulator: Emulator };

const keys = { privateKey: 'private_hostile', publicKey: 'public_hostile' };

/**
 * The hostile stack delivering to the ImageKit emulator by default, with the purge service
 * running from its production entry (a short window, so purges settle within a test). `env`
 * overrides settings of all three services.
 */
export async function startImageKitHostileStack(
  redisUrl: string,
  name: string,
  env: Record<string, string> = {},
): Promise<ImageKitHostileStack> {
  const emulator = await startEmulator({ ...keys, port: 0 });
  const imagekitEnv: Record<string, string> = {
    DEFAULT_DESTINATION: 'imagekit',
    IMAGEKIT_PRIVATE_KEY: keys.privateKey,
    IMAGEKIT_PUBLIC_KEY: keys.publicKey,
    IMAGEKIT_URL_ENDPOINT: emulator.urlEndpoint,
    IMAGEKIT_BASE_URL: emulator.url,
    PURGE_WINDOW_MS: '100',
    PURGE_POLL_MS: '200',
    PURGE_METRICS_PORT: String(await findFreePort()),
    ...env,
  };
  const stack = await startHostileStack(redisUrl, name, imagekitEnv);
  const purgeService = await startPurgeService(
    loadPurgeServiceConfig(stack.env),
    createLogger({ name: 'hostile-purge', level: 'silent' }),
  );
  const run = async (steps: ShutdownStep[]) => {
    for (const step of steps) await step.close();
  };
  return {
    ...stack,
    emulator,
    async stop() {
      await run(purgeService.shutdownSteps);
      await stack.stop();
      await emulator.close();
    },
  };
}
