import { newAssetId, type Asset } from '@ingestkit/contracts';

/**
 * A valid asset record for tests: a fresh id, status `queued`, the `local` destination, no
 * original or output, timestamps now. Pass only what the test is about.
 */
export function makeAsset(overrides: Partial<Asset> = {}): Asset {
  const now = new Date().toISOString();
  return {
    id: newAssetId(),
    status: 'queued',
    destination: 'local',
    policy: 'default',
    fileName: 'a.jpg',
    tags: [],
    metadata: {},
    timings: {},
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
