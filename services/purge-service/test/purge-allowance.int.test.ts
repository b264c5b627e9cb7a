// Proves the hourly purge allowance in Redis: a key is granted at most its allowance of new requests per UTC hour, a request granted once stays granted (retries cost nothing), keys and hours count apart, and requests that are not upload-caused are never counted.
import { createLogger, createRedis, waitForRedis, type Redis } from '@ingestkit/runtime';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { admitByAllowance, createPurgeAllowance } from '../src/purge-allowance';

let redis: TestRedis;
let client: Redis;
const prefix = uniquePrefix('purge-allowance');

beforeAll(async () => {
  redis = await startRedis();
  client = createRedis({ url: redis.url, role: 'producer', logger: createLogger({ name: 'test', level: 'silent' }) });
  await waitForRedis(client, 5_000);
});
afterAll(async () => {
  await deletePrefix(redis.url, prefix);
  await client.quit();
  await redis.stop();
});

const at = new Date('2026-12-02T10:15:00Z');

it('grants a key its allowance per hour, keeps what it granted, and counts keys and hours apart', async () => {
  const allowance = createPurgeAllowance({ redis: client, prefix, perKeyPerHour: 2 });
  expect([...(await allowance.admit({ keyId: 'k1' }, ['a', 'b', 'c'], at))]).toEqual(['a', 'b']);
  // A retried request keeps its grant; a new one is still refused.
  expect([...(await allowance.admit({ keyId: 'k1' }, ['c', 'b'], at))]).toEqual(['b']);
  expect([...(await allowance.admit({ keyId: 'k2' }, ['c'], at))]).toEqual(['c']);
  expect([...(await allowance.admit({ keyId: 'k1' }, ['c'], new Date('2026-12-02T11:00:00Z')))]).toEqual(['c']);
});

it('holds only upload-caused requests past the allowance; API purges and unattributed ones are not counted', async () => {
  const allowance = createPurgeAllowance({ redis: client, prefix: `${prefix}:b`, perKeyPerHour: 1 });
  const causedBy = { keyId: 'k', tokenId: 't' };
  const { admitted, overAllowance } = await admitByAllowance(allowance, [
    { id: 'o1', reason: 'overwrite', causedBy },
    { id: 'o2', reason: 'overwrite', causedBy: { keyId: 'k', tokenId: 'other-token' } },
    { id: 'api', reason: 'api', causedBy },
    { id: 'webhook', reason: 'version-superseded' },
  ]);
  expect(admitted.map((request) => request.id)).toEqual(['o1', 'api', 'webhook']);
  expect(overAllowance).toEqual(['o2']);
});
