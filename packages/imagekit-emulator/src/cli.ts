#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator';

const USAGE = `Usage: imagekit-emulator --private-key <k> --public-key <k> [--port <p>] [--host <h>]
       [--imagekit-id <id>] [--webhook-url <u> --webhook-secret <whsec_…>] [--purge-completes-after-ms <ms>] [--cdn-cache]`;

/** Parses argv, starts the emulator, prints one line with its URL and urlEndpoint, and stops on SIGINT/SIGTERM. */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'private-key': { type: 'string' },
      'public-key': { type: 'string' },
      'imagekit-id': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'purge-completes-after-ms': { type: 'string' },
      'cdn-cache': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values['private-key'] || !values['public-key']) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const emulator = await startEmulator({
    port: Number(values.port),
    host: values.host,
    privateKey: values['private-key'],
    publicKey: values['public-key'],
    cdnCache: values['cdn-cache'],
    ...(values['imagekit-id'] ? { imagekitId: values['imagekit-id'] } : {}),
    ...(values['webhook-url'] ? { webhookUrl: values['webhook-url'] } : {}),
    ...(values['webhook-secret'] ? { webhookSecret: values['webhook-secret'] } : {}),
    ...(values['purge-completes-after-ms'] ? { purgeCompletesAfterMs: Number(values['purge-completes-after-ms']) } : {}),
  });
  process.stdout.write(`imagekit-emulator listening: url=${emulator.url} urlEndpoint=${emulator.urlEndpoint}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`imagekit-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
