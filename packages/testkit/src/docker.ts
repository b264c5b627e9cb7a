import { existsSync } from 'node:fs';

let cached: Promise<boolean> | undefined;

/**
 * True when a Docker engine answers (testcontainers can run). Probed once per process with a
 * short timeout, so machines without Docker fall back to local servers at once.
 */
export function isDockerAvailable(): Promise<boolean> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<boolean> {
  if (process.env.INGESTKIT_TEST_NO_DOCKER === '1') return false;
  // Without a socket or DOCKER_HOST there is nothing to ask; skip loading testcontainers.
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 3_000).unref());
    await Promise.race([getContainerRuntimeClient(), timeout]);
    return true;
  } catch {
    return false;
  }
}
