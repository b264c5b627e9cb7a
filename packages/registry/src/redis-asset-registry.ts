import { Asset, AssetVersion, IngestError, Stage, type StageTiming } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import type { AssetPatch, AssetRegistry, TransitionInput } from './asset-registry';
import { markVersionsDeleted, mergeVersion } from './versions';

// One hash per asset under the queue prefix: scalar fields as strings, structured fields as
// JSON, timings as `timing:<stage>`. A status guard and the field writes run in one script,
// so two workers racing on the same asset cannot interleave.
const TRANSITION_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[1] ~= '*' then
  local current = redis.call('HGET', KEYS[1], 'status')
  local allowed = false
  for status in string.gmatch(ARGV[1], '[^,]+') do
    if status == current then allowed = true end
  end
  if not allowed then return 0 end
end
for i = 2, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1
`;

const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

// Compare-and-set of the `versions` field: the merge runs in TypeScript (one implementation for
// every adapter) and is written only if nobody changed the list since it was read.
const SET_VERSIONS_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local current = redis.call('HGET', KEYS[1], 'versions') or ''
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'versions', ARGV[2], 'updatedAt', ARGV[3])
return 1
`;

/** Compare-and-set rounds before giving up; each loses only to a concurrent writer that succeeded. */
const MAX_VERSION_ROUNDS = 50;

const jsonFields = ['tags', 'metadata', 'original', 'output', 'error', 'versions'] as const;
const stringFields = ['id', 'status', 'destination', 'policy', 'fileName', 'folder', 'createdAt', 'updatedAt'] as const;

export function createRedisAssetRegistry(options: { redis: Redis; prefix: string }): AssetRegistry {
  const { redis } = options;
  const keyOf = (id: string) => `${options.prefix}:asset:${id}`;

  async function run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof IngestError) throw err;
      throw new IngestError('dependency_unavailable', 'the asset registry (Redis) is unavailable', {
        details: { dependency: 'redis' },
        cause: err,
      });
    }
  }

  async function read(id: string): Promise<Asset | null> {
    const hash = await redis.hgetall(keyOf(id));
    return Object.keys(hash).length === 0 ? null : decodeAsset(hash);
  }

  async function apply(id: string, from: string, fields: Record<string, string>): Promise<number> {
    const args = Object.entries({ ...fields, updatedAt: new Date().toISOString() }).flat();
    return (await redis.eval(TRANSITION_SCRIPT, 1, keyOf(id), from, ...args)) as number;
  }

  const notFound = (id: string) => new IngestError('not_found', `asset ${id} does not exist`);
  const fileIndexKey = (fileId: string) => `${options.prefix}:imagekit-file:${fileId}`;

  /** Read-modify-write of an asset's versions, retried while another writer wins the race. */
  async function updateVersions<T>(id: string, change: (versions: AssetVersion[]) => { versions: AssetVersion[]; result: T }) {
    for (let round = 0; round < MAX_VERSION_ROUNDS; round++) {
      const raw = await redis.hget(keyOf(id), 'versions');
      if (raw === null && (await redis.exists(keyOf(id))) === 0) throw notFound(id);
      const { versions, result } = change(raw === null ? [] : AssetVersion.array().parse(JSON.parse(raw)));
      const written = (await redis.eval(
        SET_VERSIONS_SCRIPT,
        1,
        keyOf(id),
        raw ?? '',
        JSON.stringify(versions),
        new Date().toISOString(),
      )) as number;
      if (written === -1) throw notFound(id);
      if (written === 1) {
        const asset = await read(id);
        if (!asset) throw notFound(id);
        return { result, asset };
      }
    }
    throw new IngestError('conflict', `the versions of asset ${id} kept changing; try again`);
  }

  return {
    create: (asset) =>
      run(async () => {
        const created = (await redis.eval(
          CREATE_SCRIPT,
          1,
          keyOf(asset.id),
          ...Object.entries(encodeAsset(asset)).flat(),
        )) as number;
        if (created === 0) throw new IngestError('conflict', `asset ${asset.id} already exists`);
      }),
    get: (id) => run(() => read(id)),
    update: (id, patch) =>
      run(async () => {
        if ((await apply(id, '*', encodePatch(patch))) === -1) throw notFound(id);
        return (await read(id)) ?? Promise.reject(notFound(id));
      }),
    transition: (id, input: TransitionInput) =>
      run(async () => {
        const fields = { ...encodePatch(input.patch ?? {}), status: input.to };
        const result = await apply(id, input.from.join(','), fields);
        if (result === -1) throw notFound(id);
        return result === 1 ? read(id) : null;
      }),
    recordTiming: (id: string, stage: Stage, timing: StageTiming) =>
      run(async () => {
        if ((await apply(id, '*', { [`timing:${stage}`]: JSON.stringify(timing) })) === -1) throw notFound(id);
      }),
    indexImageKitFile: (fileId, assetId) =>
      run(async () => {
        await redis.set(fileIndexKey(fileId), assetId);
      }),
    findByImageKitFileId: (fileId) => run(() => redis.get(fileIndexKey(fileId))),
    recordVersion: (assetId, version) =>
      run(async () => {
        const { result, asset } = await updateVersions(assetId, (versions) => {
          const merged = mergeVersion(versions, version);
          return { versions: merged.versions, result: merged };
        });
        return { ...result, asset };
      }),
    recordVersionDeletion: (assetId, deletion) =>
      run(async () => {
        const { asset } = await updateVersions(assetId, (versions) => ({
          versions: markVersionsDeleted(versions, deletion),
          result: undefined,
        }));
        return asset;
      }),
  };
}

function encodeAsset(asset: Asset): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of stringFields) {
    const value = asset[field];
    if (value !== undefined) fields[field] = value;
  }
  for (const field of jsonFields) {
    const value = asset[field];
    if (value !== undefined) fields[field] = JSON.stringify(value);
  }
  for (const [stage, timing] of Object.entries(asset.timings)) fields[`timing:${stage}`] = JSON.stringify(timing);
  return fields;
}

function encodePatch(patch: AssetPatch): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value !== undefined) fields[field] = value === null ? '' : JSON.stringify(value);
  }
  return fields;
}

function decodeAsset(hash: Record<string, string>): Asset {
  const raw: Record<string, unknown> = { timings: {} };
  for (const field of stringFields) if (hash[field] !== undefined) raw[field] = hash[field];
  for (const field of jsonFields) if (hash[field] !== undefined) raw[field] = JSON.parse(hash[field]) as unknown;
  for (const stage of Stage.options) {
    const timing = hash[`timing:${stage}`];
    if (timing !== undefined) (raw.timings as Record<string, unknown>)[stage] = JSON.parse(timing) as unknown;
  }
  return Asset.parse(raw);
}
