import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AssetOptions, DestinationKind } from '@ingestkit/contracts';
import type { IngestkitClient } from '../client';
import { isIngestkitError } from '../errors';
import { createProgress, type ProgressFigures } from './progress';
import { createRunState, idempotencyKeyFor } from './run-state';
import { summarize, type FileOutcome, type RunSummary } from './summary';
import { checkPaths, takeContent, walkFiles, type FoundFile } from './walk';

/** Options of `ingestkit upload`. */
export interface UploadCommandOptions {
  concurrency: number;
  folder?: string;
  tags?: string[];
  policy?: string;
  destination?: DestinationKind;
  /** Ask the gateway not to keep a second asset of content it already has (`dedupe`). */
  dedupe?: boolean;
  wait: boolean;
  stateFile: string;
  signal: AbortSignal;
  stderr: NodeJS.WriteStream;
}

/** Files up to this size are read into memory once (hashed and sent from the same bytes). */
const SMALL_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Runs `work` over what `items` yields, `concurrency` at a time, stopping early when the signal
 * aborts; the items are pulled as workers free up (an async generator queues concurrent pulls).
 */
async function forEachLimited<T>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
) {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  const worker = async () => {
    while (!signal.aborted) {
      const next = await iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/**
 * `ingestkit upload <paths…>`: walks the paths, uploads every image (by content) `concurrency`
 * at a time with a deterministic Idempotency-Key per file, records each accepted asset in the
 * state file (so a re-run skips it), optionally waits for the outcomes, and returns them. Uploads
 * start with the first files the walk finds; the progress totals grow as it finds more.
 */
export async function runUpload(
  client: IngestkitClient,
  paths: string[],
  options: UploadCommandOptions,
): Promise<{ summary: RunSummary; outcomes: FileOutcome[] }> {
  await checkPaths(paths);
  const files: FoundFile[] = [];
  const state = createRunState(options.stateFile);
  await state.load();
  const assetOptions: AssetOptions = {
    ...(options.folder ? { folder: options.folder } : {}),
    ...(options.tags?.length ? { tags: options.tags } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.destination ? { destination: options.destination } : {}),
    ...(options.dedupe ? { dedupe: true } : {}),
  };
  const outcomes = new Map<string, FileOutcome>();
  const figures: ProgressFigures = { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, failures: 0 };
  /** The images of the walk, counted into the totals as they are found; other files are outcomes at once. */
  async function* images(): AsyncGenerator<FoundFile> {
    for await (const file of walkFiles(paths)) {
      files.push(file);
      if (!file.isImage) {
        outcomes.set(file.path, { path: file.path, outcome: 'not_an_image' });
        continue;
      }
      figures.filesTotal += 1;
      figures.bytesTotal += file.bytes;
      yield file;
    }
  }
  const inFlight = new Map<string, number>();
  let finishedBytes = 0;
  const progress = createProgress(options.stderr);
  const show = () =>
    progress.update({ ...figures, bytesDone: finishedBytes + [...inFlight.values()].reduce((a, b) => a + b, 0) });
  const finish = (file: FoundFile, outcome: FileOutcome) => {
    inFlight.delete(file.path);
    finishedBytes += file.bytes;
    figures.filesDone += 1;
    if (outcome.outcome === 'failed' || outcome.outcome === 'rejected') figures.failures += 1;
    outcomes.set(file.path, outcome);
    show();
  };
  show();
  const keys = new Map<string, string>();
  try {
    await uploadAll();
    if (options.wait) await waitForOutcomes(client, [...outcomes.values()], options, keys, state);
  } finally {
    progress.stop(); // (a second stop is a no-op)
    await state.close();
  }
  const list = files.map((f) => outcomes.get(f.path)!).filter(Boolean);
  return { summary: summarize(list), outcomes: list };

  async function uploadAll() {
    await forEachLimited(images(), options.concurrency, options.signal, async (file) => {
      // Small files are read once: the same bytes are hashed for the key and sent.
      const bytes = takeContent(file) ?? (file.bytes <= SMALL_FILE_BYTES ? await readFile(file.path) : undefined);
      const key = await idempotencyKeyFor(file.path, assetOptions, bytes);
      keys.set(file.path, key);
      const known = state.get(key);
      if (known?.assetId) {
        return finish(file, {
          path: file.path,
          assetId: known.assetId,
          outcome: settledOutcome(known.status),
          resumed: true,
          ...(known.code ? { code: known.code } : {}),
        });
      }
      const call = childSignal(options.signal);
      try {
        const asset = await client.upload(bytes ?? file.path, {
          ...assetOptions,
          fileName: basename(file.path),
          idempotencyKey: key,
          signal: call.signal,
          onProgress: (p) => {
            inFlight.set(file.path, p.loaded);
            show();
          },
        });
        await state.record({ key, path: file.path, assetId: asset.id, status: asset.status });
        finish(file, { path: file.path, assetId: asset.id, outcome: settledOutcome(asset.status) });
      } catch (err) {
        if (options.signal.aborted) throw err;
        const code = isIngestkitError(err) ? err.code : 'internal_error';
        finish(file, {
          path: file.path,
          outcome: code === 'unsupported_media_type' || code === 'payload_too_large' ? 'rejected' : 'failed',
          code,
        });
      } finally {
        call.dispose();
      }
    });
  }
}

/**
 * A signal for one upload that aborts with the run's, and lets go of it afterwards. fetch hangs
 * its abort listener on the signal it is given and drops it only when that signal is collected:
 * given the run's own signal, thousands of uploads piled their listeners on one long-lived
 * signal (every later request paid to scan them, and the collector to trace them).
 */
function childSignal(parent: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort(parent.reason);
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener('abort', abort) };
}

function settledOutcome(status: string | undefined): FileOutcome['outcome'] {
  return status === 'ready' || status === 'rejected' || status === 'failed' ? status : 'accepted';
}

/** `--wait`: polls every accepted asset until it settles (16 at a time) and records the outcome. */
async function waitForOutcomes(
  client: IngestkitClient,
  outcomes: FileOutcome[],
  options: UploadCommandOptions,
  keys: Map<string, string>,
  state: ReturnType<typeof createRunState>,
) {
  const pending = outcomes.filter((o) => o.outcome === 'accepted' && o.assetId);
  await forEachLimited(pending, 16, options.signal, async (outcome) => {
    const asset = await client.waitForAsset(outcome.assetId!, { signal: options.signal });
    outcome.outcome = settledOutcome(asset.status);
    if (asset.error) outcome.code = asset.error.code;
    const key = keys.get(outcome.path);
    if (key)
      await state.record({
        key,
        path: outcome.path,
        assetId: asset.id,
        status: asset.status,
        ...(asset.error ? { code: asset.error.code } : {}),
      });
  });
}
