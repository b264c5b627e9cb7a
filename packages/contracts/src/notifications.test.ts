import { newAssetId } from './ids';
import { jobIdFor, queueNames } from './jobs';
import { Notification, notificationId } from './notifications';

describe('notifications', () => {
  const assetId = newAssetId();

  it('derives one id per event: same inputs, same id; another type or discriminator, another id', () => {
    const id = notificationId({ assetId, type: 'asset.ready', discriminator: '1' });
    expect(id).toMatch(/^ntf_[0-9a-f]{32}$/);
    expect(notificationId({ assetId, type: 'asset.ready', discriminator: '1' })).toBe(id);
    expect(notificationId({ assetId, type: 'asset.ready', discriminator: '2' })).not.toBe(id);
    expect(notificationId({ assetId, type: 'asset.failed', discriminator: '1' })).not.toBe(id);
    expect(notificationId({ assetId: newAssetId(), type: 'asset.ready', discriminator: '1' })).not.toBe(id);
  });

  it('uses the notification id as the job id, and parses notifications strictly', () => {
    const now = new Date().toISOString();
    const notification: Notification = {
      id: notificationId({ assetId, type: 'asset.rejected', discriminator: '1' }),
      type: 'asset.rejected',
      createdAt: now,
      data: {
        asset: {
          id: assetId,
          status: 'rejected',
          destination: 'local',
          policy: 'default',
          fileName: 'a.jpg',
          tags: [],
          metadata: {},
          timings: {},
          createdAt: now,
          updatedAt: now,
        },
      },
    };
    expect(jobIdFor(queueNames.notify, { version: 1, notification })).toBe(notification.id);
    expect(Notification.safeParse(notification).success).toBe(true);
    expect(Notification.safeParse({ ...notification, type: 'asset.erased' }).success).toBe(false);
    expect(Notification.safeParse({ ...notification, type: 'asset.deleted' }).success).toBe(true);
    expect(Notification.safeParse({ ...notification, id: 'evt_1' }).success).toBe(false);
  });
});
