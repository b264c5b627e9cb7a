import { isImportId, type AssetStatus, type Import, type ImportRequest } from '@ingestkit/contracts';
import type { IngestkitClient } from '../client';
import { sleep } from '../retry';

/** Writes text to stdout (the CLI's one output channel for results). */
export type Print = (text: string) => void;

const importLine = (i: Import) =>
  `${i.id} ${i.status}: listed ${i.counts.listed}, skipped ${i.counts.skipped}, queued ${i.counts.queued}, ready ${i.counts.ready}, rejected ${i.counts.rejected}, failed ${i.counts.failed}` +
  (Object.keys(i.errors).length
    ? ` (${Object.entries(i.errors)
        .map(([code, n]) => `${code} ${n}`)
        .join(', ')})`
    : '');

/** `ingestkit import s3://bucket/prefix`: starts an import; with `wait`, polls it to `done`. */
export async function runImport(
  client: IngestkitClient,
  request: ImportRequest,
  options: { wait: boolean; json: boolean; signal: AbortSignal },
  print: Print,
): Promise<Import> {
  let current = await client.imports.create(request, { signal: options.signal });
  if (!options.json) print(`${importLine(current)}\n`);
  while (options.wait && current.status !== 'done' && current.status !== 'cancelled') {
    await sleep(1_000, options.signal);
    current = await client.imports.get(current.id, { signal: options.signal });
    if (!options.json) print(`${importLine(current)}\n`);
  }
  if (options.json) print(`${JSON.stringify({ import: current })}\n`);
  return current;
}

/** `ingestkit status <id>`: an asset or an import, told apart by the id's prefix. */
export async function runStatus(client: IngestkitClient, id: string, options: { json: boolean }, print: Print): Promise<void> {
  if (isImportId(id)) {
    const found = await client.imports.get(id);
    print(options.json ? `${JSON.stringify({ import: found })}\n` : `${importLine(found)}\n`);
    return;
  }
  const asset = await client.assets.get(id);
  if (options.json) return print(`${JSON.stringify({ asset })}\n`);
  print(`${asset.id} ${asset.status}${asset.error ? ` (${asset.error.code}: ${asset.error.message})` : ''}\n`);
  if (asset.output?.url) print(`${asset.output.url}\n`);
}

/** `ingestkit assets ls`: one line per asset (or JSON lines), newest first. */
export async function runAssetsList(
  client: IngestkitClient,
  options: { status?: AssetStatus; folder?: string; limit?: number; json: boolean },
  print: Print,
): Promise<void> {
  let count = 0;
  for await (const asset of client.assets.list({
    ...(options.status ? { status: options.status } : {}),
    // --folder lists the folder and every folder below it.
    ...(options.folder ? { folderPrefix: options.folder.replace(/^\/+|\/+$/g, '') } : {}),
  })) {
    if (options.limit !== undefined && count >= options.limit) break;
    count += 1;
    print(
      options.json
        ? `${JSON.stringify(asset)}\n`
        : `${asset.id}  ${asset.status.padEnd(15)} ${asset.folder ? `${asset.folder}/` : ''}${asset.fileName}\n`,
    );
  }
}
