import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findFreePort } from '@ingestkit/testkit';

const deployDir = join(__dirname, '../../deploy/prometheus');

export interface RunningPrometheus {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (Debian's `prometheus` package; `.ci/run` installs it) with the compose
 * scrape config and the repository's rule files unchanged, except that each job's targets are
 * the given loopback addresses and scrapes and rule evaluations run every second, so a test
 * sees rates and pending alerts within seconds.
 */
export async function startPrometheus(targets: Record<string, string>): Promise<RunningPrometheus> {
  const found = spawnSync('/bin/sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error('prometheus is not on PATH; install it with `apt-get install prometheus`');
  const compose = parse(await readFile(join(deployDir, 'prometheus.yml'), 'utf8'));
  const dir = await mkdtemp(join(tmpdir(), 'ingestkit-prometheus-'));
  const port = await findFreePort();
  targets = { ...targets, prometheus: `127.0.0.1:${port}` };
  const scrapeConfigs = (compose.scrape_configs as Array<{ job_name: string }>).map(({ job_name }) => {
    const target = targets[job_name];
    if (!target) throw new Error(`no target for the compose job ${job_name}`);
    return { job_name, static_configs: [{ targets: [target] }] };
  });
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: (compose.rule_files as string[]).map((file) => join(deployDir, file)),
    scrape_configs: scrapeConfigs,
  };
  // JSON is YAML: Prometheus reads it as is.
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const child: ChildProcess = spawn(
    found.stdout.trim(),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not come up:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, output: () => output, stop };
}
