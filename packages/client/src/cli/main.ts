import { Command, InvalidArgumentError, Option } from 'commander';
import { AssetStatus, DestinationKind, type ImportRequest } from '@ingestkit/contracts';
import { createClient } from '../index';
import { isIngestkitError } from '../errors';
import { parseS3Url, resolveConfig } from './config';
import { runAssetsList, runImport, runStatus } from './other.commands';
import { DEFAULT_STATE_FILE } from './run-state';
import { formatSummary, hasFailures } from './summary';
import { runUpload } from './upload.command';

const print = (text: string) => void process.stdout.write(text);
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const tagList = (value: string) =>
  value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** Ctrl-C aborts the run (in-flight uploads are cancelled; a re-run resumes); a second one exits at once. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: re-run the same command to resume\n');
    controller.abort(new Error('interrupted'));
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

const program = new Command('ingestkit')
  .description('Upload images to an ingestkit gateway, import buckets, and follow assets.')
  .option('--url <url>', 'the gateway (default: INGESTKIT_URL)')
  .option('--api-key <key>', 'an API key (default: INGESTKIT_API_KEY)')
  .showHelpAfterError();
const client = () => createClient(resolveConfig(program.opts<{ url?: string; apiKey?: string }>(), process.env));
const assetFlags = (command: Command) =>
  command
    .option('--folder <folder>', 'folder of the assets')
    .option('--tags <tags>', 'comma-separated tags', tagList)
    .option('--policy <name>', 'optimization policy')
    .addOption(new Option('--destination <kind>', 'where to deliver').choices(DestinationKind.options))
    .option('--wait', 'wait until every asset is ready, rejected or failed', false)
    .option('--json', 'machine-readable output', false);

assetFlags(program.command('upload').description('upload files and folders (images by content)').argument('<paths...>'))
  .option('--concurrency <n>', 'uploads at once', positiveInt, 8)
  .option('--state <file>', 'the resume state file', DEFAULT_STATE_FILE)
  .option('--dedupe', 'ask the gateway not to keep a second asset of content it already has (same folder and policy)', false)
  .action(async (paths: string[], o) => {
    const signal = interruptSignal();
    const { summary, outcomes } = await runUpload(client(), paths, { ...o, stateFile: o.state, signal, stderr: process.stderr });
    print(o.json ? `${JSON.stringify({ summary, files: outcomes })}\n` : formatSummary(summary));
    if (hasFailures(summary)) process.exitCode = 1;
  });

assetFlags(program.command('import').description('import every object under s3://bucket/prefix').argument('<source>')).action(
  async (source: string, o) => {
    const request: ImportRequest = {
      source: parseS3Url(source),
      ...(o.folder ? { folder: o.folder } : {}),
      ...(o.tags ? { tags: o.tags } : {}),
      ...(o.policy ? { policy: o.policy } : {}),
      ...(o.destination ? { destination: o.destination } : {}),
    };
    const done = await runImport(client(), request, { wait: o.wait, json: o.json, signal: interruptSignal() }, print);
    if (done.counts.failed + done.counts.rejected > 0) process.exitCode = 1;
  },
);

program
  .command('status')
  .description('show an asset (ast_…) or an import (imp_…)')
  .argument('<id>')
  .option('--json', 'machine-readable output', false)
  .action((id: string, o) => runStatus(client(), id, o, print));

program
  .command('assets')
  .description('list assets')
  .command('ls')
  .addOption(new Option('--status <status>').choices(AssetStatus.options))
  .option('--folder <folder>', 'only this folder and below')
  .option('--limit <n>', 'at most n', positiveInt)
  .option('--json', 'one JSON object per line', false)
  .action((o) => runAssetsList(client(), o, print));

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = isIngestkitError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`ingestkit: ${message}\n`);
  process.exitCode = err instanceof Error && err.message === 'interrupted' ? 130 : 1;
});
