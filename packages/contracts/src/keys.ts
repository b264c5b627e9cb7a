/**
 * Object keys shared by the gateway and the workers. Staging holds what is in flight for an
 * asset and is deleted once the asset is `ready` or `rejected`.
 */
export const stagingKeys = {
  prefix: (assetId: string) => `staging/${assetId}/`,
  original: (assetId: string) => `staging/${assetId}/original`,
  optimized: (assetId: string, name: string) => `staging/${assetId}/optimized/${name}`,
};
