import type { Asset } from '@ingestkit/contracts';
import { makeJpeg, makePng } from '@ingestkit/testkit';
import type { Expectations } from './audit';
import { AnswerLog, getAsset, upload, type UploadInput } from './client';
import type { Cluster } from './cluster';

/** How hard a run pushes: `short` runs in `npm test`, `full` is `npm run test:chaos`. */
export type ProfileName = 'short' | 'full';

export interface ScenarioContext {
  cluster: Cluster;
  profile: ProfileName;
  answers: AnswerLog;
  /** Every asset a client was told was accepted (202), by id. */
  accepted: Map<string, Asset>;
  /** Notes for the report (what was injected, how often). */
  notes: string[];
}

export interface Scenario {
  name: string;
  /** Ingest workers to run. Default 2. */
  workers?: number;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Error codes accepted assets may fail with in this scenario (the audit retries them); default none. */
  failuresAllowed?: readonly string[];
  run(context: ScenarioContext): Promise<Expectations | void>;
}

/** Picks the profile's value. */
export function by<T>(profile: ProfileName, values: { short: T; full: T }): T {
  return values[profile];
}

let seed = 1;

/**
 * A distinct photo-like image (every call new pixels, so no two assets share bytes): JPEGs of
 * 1–4 MP, sometimes a PNG, so the optimize stage takes long enough to be caught mid-job.
 */
export async function nextImage(): Promise<{ bytes: Buffer; fileName: string }> {
  const current = seed++;
  const width = 1200 + (current % 4) * 400;
  const height = Math.round((width * 3) / 4);
  if (current % 5 === 0)
    return { bytes: await makePng({ width: 800, height: 600, seed: current }), fileName: `image-${current}.png` };
  return { bytes: await makeJpeg({ width, height, seed: current }), fileName: `photo-${current}.jpg` };
}

/** Uploads one image with retries and records it as accepted. */
export async function ingestOne(
  context: ScenarioContext,
  input: Partial<UploadInput> & Pick<UploadInput, 'destination'>,
): Promise<Asset> {
  const image = input.bytes ? { bytes: input.bytes, fileName: input.fileName ?? 'image.jpg' } : await nextImage();
  const asset = await upload(() => context.cluster.gatewayUrl, { ...image, ...input }, context.answers);
  context.accepted.set(asset.id, asset);
  return asset;
}

/**
 * Uploads `count` images, `concurrency` at a time, spread over about `spreadMs` (so faults
 * injected meanwhile meet work in every stage). Destinations alternate local and ImageKit
 * unless one is given.
 */
export async function ingestMany(
  context: ScenarioContext,
  options: { count: number; concurrency?: number; spreadMs?: number; destination?: UploadInput['destination'] },
): Promise<void> {
  const pause = (options.spreadMs ?? 0) / options.count;
  let next = 0;
  const lane = async () => {
    while (next < options.count) {
      const index = next++;
      const destination = options.destination ?? (index % 2 === 0 ? 'local' : 'imagekit');
      await ingestOne(context, { destination });
      if (pause > 0) await sleep(pause * (options.concurrency ?? 4));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, lane));
}

/** Polls the asset until it is `ready`, `rejected` or `failed` (or the time is up). */
export async function waitTerminal(context: ScenarioContext, id: string, timeoutMs = 120_000): Promise<Asset | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const asset = await getAsset(context.cluster.gatewayUrl, id).catch(() => undefined);
    if (asset && ['ready', 'rejected', 'failed'].includes(asset.status)) return asset;
    await sleep(250);
  }
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { AnswerLog };
