import { Redis } from 'ioredis';
import { queueNames } from '@ingestkit/contracts';
import { createQueue } from './queues';

// A connection that never connects: these tests only look at the Queue object.
const idle = () => {
  const redis = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, maxRetriesPerRequest: null });
  redis.on('error', () => {});
  return redis;
};

describe('createQueue', () => {
  it('survives the connection errors a Queue re-emits (no listener would crash the process)', () => {
    const redis = idle();
    const queue = createQueue(queueNames.validate, { connection: redis, prefix: 'unit' });
    expect(() => queue.emit('error', new Error('connect ECONNREFUSED'))).not.toThrow();
    redis.disconnect();
  });

  it('takes the catalog job options, with overrides for tests', () => {
    const redis = idle();
    const queue = createQueue(queueNames.deliver, { connection: redis, prefix: 'unit', jobOptions: { attempts: 2 } });
    expect(queue.defaultJobOptions).toMatchObject({ attempts: 2, backoff: { type: 'exponential' } });
    redis.disconnect();
  });
});
