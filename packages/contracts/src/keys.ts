import { isAssetId } from './ids';

/**
 * Object keys shared by the gateway and the workers, built and parsed only here. Staging holds
 * what is in flight for an asset and is deleted once the asset is `ready` or `rejected`.
 */
export const stagingKeys = {
  prefix: (assetId: string) => `staging/${assetId}/`,
  original: (assetId: string) => `staging/${assetId}/original`,
  optimized: (assetId: string, name: string) => `staging/${assetId}/optimized/${name}`,
  /** The asset whose original `key` is (`staging/<assetId>/original`), or `undefined` for any other key. */
  assetIdOfOriginal(key: string): string | undefined {
    const parts = key.split('/');
    const [area, assetId, name] = parts;
    return parts.length === 3 && area === 'staging' && name === 'original' && assetId && isAssetId(assetId) ? assetId : undefined;
  },
};
