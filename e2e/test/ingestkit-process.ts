import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { findFreePort } from '@ingestkit/testkit';

export const START_SCRIPT = join(__dirname, '../../scripts/start.js');

export interface Started {
  child: ChildProcess;
  gatewayUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `npm start`'s script (built services) as a child process and waits for its banner. */
export async function startIngestkit(env: Record<string, string>): Promise<Started> {
  const gatewayPort = await findFreePort();
  const child = spawn(process.execPath, [START_SCRIPT], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: String(gatewayPort),
      WORKER_METRICS_PORT: String(await findFreePort()),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!output.includes('ingestkit is running')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, gatewayUrl: `http://127.0.0.1:${gatewayPort}`, output: () => output, exited };
}
