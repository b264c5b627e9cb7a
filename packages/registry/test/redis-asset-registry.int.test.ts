// Proves the Redis registry keeps the AssetRegistry promises (outbox included), and reports an unreachable Redis as dependency_unavailable.
import { createRedis, waitForRedis } from '@ingestkit/runtime';
import { deletePrefix, findFreePort, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { newAssetId } from '@ingestkit/contracts';
import { notificationFromOutbox, outboxKeys } from '../src/outbox';
import { createRedisAssetRegistry } from '../src/redis-asset-registry';
import { describeAssetRegistryConformance } from './asset-registry.conformance';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describeAssetRegistryConformance('redis', async () => {
  const prefix = uniquePrefix('registry');
  const connection = createRedis({ url: redis.url, role: 'producer' });
  await waitForRedis(connection, 5_000);
  return {
    registry: createRedisAssetRegistry({ redis: connection, prefix }),
    recordedNotifications: async (assetId) =>
      (await connection.lrange(outboxKeys(prefix).pending, 0, -1))
        .reverse()
        .map(notificationFromOutbox)
        .filter((notification) => notification.data.asset.id === assetId),
    teardown: async () => {
      await deletePrefix(redis.url, prefix);
      connection.disconnect();
    },
  };
});

it('fails fast with dependency_unavailable when Redis does not answer', async () => {
  const connection = createRedis({ url: `redis://127.0.0.1:${await findFreePort()}`, role: 'producer' });
  const registry = createRedisAssetRegistry({ redis: connection, prefix: 'none' });
  const started = Date.now();
  await expect(registry.get(newAssetId())).rejects.toMatchObject({ code: 'dependency_unavailable' });
  expect(Date.now() - started).toBeLessThan(3_000);
  connection.disconnect();
});
