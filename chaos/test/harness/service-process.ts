import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** The production entry point of each service (built by `turbo run build`). */
export const SERVICE_SCRIPTS = {
  gateway: join(ROOT, 'services/upload-gateway/dist/main.js'),
  worker: join(ROOT, 'services/ingest-worker/dist/main.js'),
  webhooks: join(ROOT, 'services/webhook-receiver/dist/main.js'),
  purge: join(ROOT, 'services/purge-service/dist/main.js'),
} as const;

export type ServiceKind = keyof typeof SERVICE_SCRIPTS;

export interface ServiceSpec {
  /** Unique in the cluster, e.g. `worker-2`. */
  name: string;
  kind: ServiceKind;
  env: Record<string, string>;
  /** The port its HTTP server (API or metrics) listens on: `/healthz` and `/readyz` live there. */
  port: number;
  /** Where stdout and stderr go (appended across restarts). */
  logFile: string;
}

/**
 * One service as its own OS process, the way production runs it (`node services/<x>/dist/main.js`),
 * that the chaos suite can kill with any signal and start again with the same settings.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({
    code: null,
    signal: null,
  });
  private readonly log: WriteStream;
  /** How often it was started (1 after the first start). */
  starts = 0;

  constructor(readonly spec: ServiceSpec) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.isRunning() ? this.child?.pid : undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits until `/healthz` answers (the service is listening). */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.isRunning()) throw new Error(`${this.name} is already running`);
    this.starts++;
    this.log.write(`\n----- start #${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [SERVICE_SCRIPTS[this.spec.kind]], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + timeoutMs;
    while (!(await this.answers('/healthz'))) {
      if (!this.isRunning()) throw new Error(`${this.name} exited while starting:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer /healthz within ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends `signal` and waits for the exit; resolves the exit code (null after a signal death). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.isRunning()) return this.exited;
    this.child!.kill(signal);
    return this.exited;
  }

  /** SIGKILL: the process dies at once, as on a crash or an OOM kill. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.stop('SIGKILL');
  }

  /** Whether `path` on its HTTP port answers 200. */
  async answers(path: '/healthz' | '/readyz'): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Resident memory of the process now, in bytes (Linux). */
  rssBytes(): number | undefined {
    if (this.pid === undefined) return undefined;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** The last lines of its log, for failure messages. */
  tail(lines = 40): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  async close(): Promise<void> {
    await this.stop('SIGKILL');
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
