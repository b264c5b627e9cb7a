export * from './asset-registry';
export * from './redis-asset-registry';
export * from './versions';
export { OutboxEntry, notificationFromOutbox, outboxKeys } from './outbox';
export * from './outbox-relay';
export { backfillAssetIndexes } from './backfill-asset-indexes';
