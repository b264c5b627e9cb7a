// Proves verifyImageKitWebhook accepts real deliveries from the emulator (both header sets, raw bytes as received) and rejects them under a rotated-out secret.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';
import { startEmulator } from '@ingestkit/imagekit-emulator';
import { verifyImageKitWebhook } from '../src';
import { PRIVATE_KEY, PUBLIC_KEY, adapterFor, pngBytes } from './fixtures';

const SECRET = 'whsec_aW50ZWdyYXRpb24tc2VjcmV0';

it('verifies a file.created delivery signed by the emulator, with either scheme alone', async () => {
  const received: { body: Buffer; headers: IncomingHttpHeaders }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const { port } = receiver.address() as AddressInfo;
  const emulator = await startEmulator({
    privateKey: PRIVATE_KEY,
    publicKey: PUBLIC_KEY,
    webhookUrl: `http://127.0.0.1:${port}/hooks`,
    webhookSecret: SECRET,
  });
  try {
    const file = await adapterFor(emulator).upload({ file: pngBytes(2, 2), fileName: 'hooked.png' });
    const deadline = Date.now() + 3_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const [delivery] = received;
    if (!delivery) throw new Error('no webhook delivery arrived');

    const options = { rawBody: delivery.body, headers: delivery.headers };
    for (const schemes of [['standard'], ['ik-signature']] as const) {
      const event = verifyImageKitWebhook({ ...options, secrets: ['whsec_old', SECRET], schemes });
      expect(event).toMatchObject({ type: 'file.created', id: expect.any(String), data: { fileId: file.fileId } });
    }
    expect(() => verifyImageKitWebhook({ ...options, secrets: ['whsec_old'] })).toThrow(
      expect.objectContaining({ code: 'unauthorized', details: expect.objectContaining({ reason: 'signature_mismatch' }) }),
    );
  } finally {
    await emulator.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
