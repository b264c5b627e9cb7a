export * from './asset-registry';
export * from './redis-asset-registry';
export * from './versions';
