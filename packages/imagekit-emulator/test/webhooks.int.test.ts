// Proves webhook deliveries carry both signature schemes (verified by the SDK's unwrap and the legacy algorithm) and retry with the same id.
import type ImageKit from '@imagekit/nodejs';
import { type Emulator } from '../src';
import { verifyLegacyWebhook } from '../src';
import { WEBHOOK_SECRET, type WebhookReceiver, pngFile, sdkFor, startTestEmulator, startWebhookReceiver } from './helpers';

let receiver: WebhookReceiver;
let emulator: Emulator;
let ik: ImageKit;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  emulator = await startTestEmulator({
    webhookUrl: receiver.url,
    webhookSecret: WEBHOOK_SECRET,
    webhookRetry: { delaysMs: [20, 40], timeoutMs: 1_000 },
  });
  ik = sdkFor(emulator, { webhookSecret: WEBHOOK_SECRET });
});
afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

/** Verifies a delivery with the SDK (Standard Webhooks) and the legacy x-ik-signature scheme; returns the event. */
function verifyBoth(delivery: { body: string; headers: Record<string, string | string[] | undefined> }) {
  const event = ik.webhooks.unwrap(delivery.body, { headers: delivery.headers as Record<string, string> }) as any;
  const legacy = verifyLegacyWebhook(WEBHOOK_SECRET, delivery.body, String(delivery.headers['x-ik-signature']));
  expect(legacy).toEqual(expect.any(Number));
  expect(Math.abs(Date.now() - legacy!)).toBeLessThan(60_000);
  return event;
}

describe('webhooks', () => {
  it('sends file.created, file-version.created, file.updated and file.deleted, each signed with both schemes', async () => {
    const first = await ik.files.upload({ file: await pngFile(4, 4), fileName: 'hook.png', useUniqueFileName: false });
    await receiver.waitFor(1);
    await ik.files.upload({ file: await pngFile(8, 8), fileName: 'hook.png', useUniqueFileName: false });
    await receiver.waitFor(2);
    await ik.files.update(first.fileId!, { tags: ['x'] });
    await receiver.waitFor(3);
    await ik.files.delete(first.fileId!);
    const deliveries = await receiver.waitFor(4);

    const events = deliveries.map(verifyBoth);
    expect(events.map((event) => event.type)).toEqual(['file.created', 'file-version.created', 'file.updated', 'file.deleted']);
    expect(events[0].data).toMatchObject({ fileId: first.fileId, type: 'file', filePath: '/hook.png', width: 4 });
    expect(events[1].data).toMatchObject({ fileId: first.fileId, versionInfo: { name: 'Version 2' }, width: 8 });
    expect(events[2].data.tags).toEqual(['x']);
    expect(events[3].data).toEqual({ fileId: first.fileId });
    for (const [index, event] of events.entries()) {
      expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof event.created_at).toBe('string');
      expect(deliveries[index]!.headers['webhook-id']).toBe(event.id);
    }
  });

  it('rejects a delivery signed for another secret (the SDK check is not vacuous)', async () => {
    await ik.files.upload({ file: await pngFile(1, 1), fileName: 'other.png' });
    const [delivery] = await receiver.waitFor(1);
    const other = sdkFor(emulator, { webhookSecret: 'whsec_b3RoZXItc2VjcmV0' });
    expect(() => other.webhooks.unwrap(delivery!.body, { headers: delivery!.headers as Record<string, string> })).toThrow(
      'No matching signature found',
    );
    expect(
      verifyLegacyWebhook('whsec_b3RoZXItc2VjcmV0', delivery!.body, String(delivery!.headers['x-ik-signature'])),
    ).toBeUndefined();
  });

  it('retries a non-2xx delivery with the same event id and stops after a 2xx', async () => {
    receiver.respondWith(500, 503);
    await ik.files.upload({ file: await pngFile(1, 1), fileName: 'retry.png' });
    const deliveries = await receiver.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(receiver.received).toHaveLength(3);
    const ids = deliveries.map((delivery) => verifyBoth(delivery).id);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(deliveries.map((delivery) => delivery.headers['webhook-id']))).toEqual(new Set(ids));
    expect(emulator.webhookDeliveries().map((attempt) => [attempt.attempt, attempt.status, attempt.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
  });

  it('gives up after the configured number of retries', async () => {
    receiver.respondWith(500, 500, 500, 500);
    await ik.files.upload({ file: await pngFile(1, 1), fileName: 'gives-up.png' });
    await receiver.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(receiver.received).toHaveLength(3);
  });
});
