import { signStandardWebhook } from '@ingestkit/runtime';
import { verifyNotification } from './verify-notification';

const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
const previous = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
const now = 1_800_000_000_000;
const notification = {
  id: 'ntf_0123456789abcdef0123456789abcdef',
  type: 'asset.ready',
  createdAt: '2026-12-01T10:00:00.000Z',
  data: {
    asset: {
      id: 'ast_AAAAAAAAAAAAAAAAAAAAAA',
      status: 'ready',
      destination: 'local',
      policy: 'default',
      fileName: 'a.jpg',
      tags: [],
      metadata: {},
      timings: {},
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
    },
  },
};
const body = JSON.stringify(notification);
const signed = (key = secret, at = now): Record<string, string> => ({
  ...signStandardWebhook({ secret: key, id: notification.id, timestampSeconds: at / 1000, body }),
});

describe('verifyNotification (signed as the worker signs them)', () => {
  it('accepts a notification signed with the secret and returns it parsed', async () => {
    await expect(verifyNotification(body, signed(), secret, { now })).resolves.toMatchObject({
      id: notification.id,
      type: 'asset.ready',
    });
  });

  it('accepts either secret during a rotation, and a Headers object or a Buffer body', async () => {
    const headers = new Headers(signed(previous));
    await expect(verifyNotification(Buffer.from(body), headers, [secret, previous], { now })).resolves.toMatchObject({
      id: notification.id,
    });
  });

  it('refuses an altered body, another secret, a stale timestamp and missing headers', async () => {
    const refused = { name: 'IngestkitError', code: 'signature_invalid', status: 401 };
    await expect(verifyNotification(body.replace('a.jpg', 'b.jpg'), signed(), secret, { now })).rejects.toMatchObject(refused);
    await expect(verifyNotification(body, signed(previous), secret, { now })).rejects.toMatchObject(refused);
    await expect(verifyNotification(body, signed(secret, now - 301_000), secret, { now })).rejects.toMatchObject(refused);
    await expect(verifyNotification(body, { 'webhook-id': notification.id }, secret, { now })).rejects.toMatchObject(refused);
  });
});
