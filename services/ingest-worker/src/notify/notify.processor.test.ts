import { newAssetId, notificationId, type Notification } from '@ingestkit/contracts';
import { createLogger, type StageContext } from '@ingestkit/runtime';
import { makeAsset } from '@ingestkit/testkit';
import type { Job } from 'bullmq';
import { notifyProcessor } from './notify.processor';

const secret = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
const assetId = newAssetId();
const now = new Date().toISOString();
const notification: Notification = {
  id: notificationId({ assetId, type: 'asset.ready', discriminator: '1' }),
  type: 'asset.ready',
  createdAt: now,
  data: {
    asset: makeAsset({ id: assetId, status: 'ready', createdAt: now, updatedAt: now }),
  },
};
const context = (): StageContext => ({
  job: {} as Job,
  logger: createLogger({ name: 't', level: 'silent' }),
  isLastAttempt: false,
});

function answering(status: number | Error) {
  const calls: RequestInit[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    calls.push(init);
    if (status instanceof Error) throw status;
    return new Response(null, { status });
  }) as typeof globalThis.fetch;
  return { calls, processor: notifyProcessor({ settings: { url: 'https://app.test/hooks', secret }, fetch }) };
}

describe('notifyProcessor', () => {
  it('completes on 2xx, sending the notification id as webhook-id', async () => {
    const { calls, processor } = answering(202);
    await processor.process({ version: 1, notification }, context());
    expect((calls[0]!.headers as Record<string, string>)['webhook-id']).toBe(notification.id);
    expect(JSON.parse(calls[0]!.body as string)).toEqual(notification);
  });

  it('drops the notification on 410 Gone', async () => {
    await expect(answering(410).processor.process({ version: 1, notification }, context())).resolves.toBeUndefined();
  });

  it.each([
    ['400', 400],
    ['429', 429],
    ['500', 500],
    ['a network error', new Error('ECONNREFUSED')],
  ])('retries on %s with destination_error', async (_label, answer) => {
    await expect(answering(answer).processor.process({ version: 1, notification }, context())).rejects.toMatchObject({
      code: 'destination_error',
      retryable: true,
    });
  });

  it('sends nothing when notifications are off', async () => {
    let called = false;
    const fetch = (async () => {
      called = true;
      return new Response(null);
    }) as unknown as typeof globalThis.fetch;
    await notifyProcessor({ settings: undefined, fetch }).process({ version: 1, notification }, context());
    expect(called).toBe(false);
  });
});
