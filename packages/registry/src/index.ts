export * from './asset-registry';
export * from './redis-asset-registry';
