import {
  ImageKitEventJob,
  PurgeJob,
  imagekitEventJobId,
  ingestQueues,
  jobCatalog,
  jobIdFor,
  purgeJobId,
  queueNames,
} from './jobs';

describe('job catalog', () => {
  it('lists the three ingest queues in pipeline order, and every queue in the catalog', () => {
    expect(ingestQueues).toEqual(['ingest.validate', 'ingest.optimize', 'ingest.deliver']);
    expect(Object.keys(jobCatalog).sort()).toEqual(Object.values(queueNames).sort());
  });

  it('derives job ids: stages from the asset, events from the event id, purges from URL and reason', () => {
    const assetId = 'ast_AAAAAAAAAAAAAAAAAAAAAA';
    expect(jobIdFor(queueNames.deliver, { version: 1, assetId })).toBe(`${assetId}-deliver`);
    expect(jobIdFor(queueNames.erase, { version: 1, assetId })).toBe(`${assetId}-erase`);
    const event = { id: '08c12452-1efb-4c35-a28d-378c94e5674b', type: 'file.created', data: {} };
    expect(jobIdFor(queueNames.imagekitEvent, { version: 1, event })).toBe(event.id);
    const url = 'https://ik.imagekit.io/demo/a.png';
    const purge = jobIdFor(queueNames.purge, { version: 1, url, reason: 'version-superseded' });
    expect(purge).toBe(purgeJobId(url, 'version-superseded'));
    expect(purge).toMatch(/^purge-[0-9a-f]{32}$/);
    expect(purgeJobId(url, 'api')).not.toBe(purge);
  });

  it('never hands BullMQ an event id it refuses as a custom id (integers, colons)', () => {
    expect(imagekitEventJobId('12345')).toMatch(/^evt-[0-9a-f]{32}$/);
    expect(imagekitEventJobId('a:b')).toMatch(/^evt-[0-9a-f]{32}$/);
    expect(imagekitEventJobId('a:b')).not.toBe(imagekitEventJobId('a:c'));
  });

  it('parses the new payloads strictly', () => {
    expect(ImageKitEventJob.safeParse({ version: 1, event: { id: 'e', type: 't', data: { x: 1 }, request: {} } }).success).toBe(
      true,
    );
    expect(ImageKitEventJob.safeParse({ version: 2, event: { id: 'e', type: 't', data: {} } }).success).toBe(false);
    expect(PurgeJob.safeParse({ version: 1, url: 'not a url', reason: 'api' }).success).toBe(false);
    expect(PurgeJob.safeParse({ version: 1, url: 'https://x.test/a', reason: 'gone' }).success).toBe(false);
    expect(PurgeJob.safeParse({ version: 1, url: 'https://x.test/a', reason: 'deleted' }).success).toBe(true);
  });
});
