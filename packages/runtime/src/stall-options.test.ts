import { hostname } from 'node:os';
import { queueNames } from '@ingestkit/contracts';
import { stallOptionsFor } from './stage-worker';

it('names the worker host:pid and applies the stall limit to image stages only: notifications, ImageKit events and purges survive stalls', () => {
  const stalls = { lockDurationMs: 5_000, stalledIntervalMs: 2_000, maxStalledCount: 1 };
  expect(stallOptionsFor(queueNames.optimize, stalls)).toEqual({
    name: `${hostname()}:${process.pid}`,
    lockDuration: 5_000,
    stalledInterval: 2_000,
    maxStalledCount: 1,
  });
  expect(stallOptionsFor(queueNames.validate)).toMatchObject({
    lockDuration: 30_000,
    stalledInterval: 30_000,
    maxStalledCount: 2,
  });
  for (const queue of [queueNames.purge, queueNames.notify, queueNames.imagekitEvent]) {
    expect(stallOptionsFor(queue, stalls).maxStalledCount).toBeGreaterThanOrEqual(1_000_000);
  }
});
