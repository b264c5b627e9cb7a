import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { terminalStatuses, type Asset } from '@ingestkit/contracts';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { type AnswerLog, postWithRetries } from './client';
import { Cluster } from './cluster';

/** What a scenario expects of the state it leaves, beyond "every accepted asset is ready". */
export interface Expectations {
  /** How often each URL must reach ImageKit's purge API (no other URL may); default none at all. */
  purges?: ReadonlyMap<string, { min: number; max: number }>;
  /** Versions each ImageKit file must have, by file path; default 1 for every file. */
  versionsByPath?: ReadonlyMap<string, number>;
  /** Asset ids the scenario knows were created but never accepted (e.g. an upload cut off after staging), allowed as `rejected`. */
  unacceptedAllowed?: ReadonlySet<string>;
  /** Error codes an accepted asset may fail with, because the scenario makes that right (then a retry must take it to `ready`); default none. */
  failuresAllowed?: readonly string[];
  /**
   * Accepted assets the scenario deleted: each must stay `deleted` with nothing left of it (no
   * destination file, no staging, no ImageKit file) and one `asset.deleted` notification; the
   * others must end ready. A purge of each one's plain ImageKit URL is allowed once.
   */
  deleted?: ReadonlySet<string>;
}

export interface AuditRow {
  check: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface AuditResult {
  rows: AuditRow[];
  ok: boolean;
  /** Assets that failed and were retried through the API. */
  retried: Map<string, string>;
}

/**
 * Compares what the clients were told was accepted with what exists after the dust settles:
 * the registry, staging, the local destination (each file hashed against its `?v=`), ImageKit's
 * files and versions, notifications, purges and the services' health. Failed assets are retried
 * through the API first (the recovery the README promises); then everything must be `ready`.
 */
export async function audit(
  cluster: Cluster,
  accepted: ReadonlyMap<string, Asset>,
  answers: AnswerLog,
  expectations: Expectations = {},
): Promise<AuditResult> {
  const rows: AuditRow[] = [];
  const row = (check: string, expected: string | number, actual: string | number, ok = String(expected) === String(actual)) =>
    rows.push({ check, expected: String(expected), actual: String(actual), ok });
  const registry = createRedisAssetRegistry({ redis: cluster.redisConnection(), prefix: cluster.prefix });
  const ids = [...accepted.keys()];

  let assets = await settle(cluster, ids, 240_000);
  const retried = new Map<string, string>();
  for (const asset of assets.filter((candidate) => candidate.status === 'failed')) {
    retried.set(asset.id, asset.error?.code ?? 'unknown');
    await postWithRetries(
      () => cluster.gatewayUrl,
      `/v1/assets/${asset.id}/retry`,
      () => '',
      { answers, deadlineMs: 60_000 },
    );
  }
  if (retried.size > 0) assets = await settle(cluster, ids, 240_000);
  await quiesce(cluster, 120_000);

  const deleted = expectations.deleted ?? new Set<string>();
  const live = assets.filter((asset) => !deleted.has(asset.id));
  const byStatus = countBy(live, (asset) => (asset.status === 'ready' ? 'ready' : `${asset.status} ${asset.error?.code ?? ''}`));
  row('accepted assets ready', ids.length - deleted.size, byStatus.get('ready') ?? 0);
  const retriedCodes = [...countBy([...retried.values()], (code) => code)].map(([code, n]) => `${n} ${code}`);
  const allowed = expectations.failuresAllowed ?? [];
  row(
    'failed, then ready after retry',
    allowed.length > 0 ? `only ${allowed.join(', ')}` : 'none allowed',
    retriedCodes.join(', ') || 'none',
    [...retried.values()].every((code) => allowed.includes(code)),
  );
  const notReady = [...byStatus].filter(([status]) => status !== 'ready').map(([status, n]) => `${n} ${status}`);
  row('assets not ready', 'none', notReady.join(', ') || 'none');

  if (deleted.size > 0) {
    // Let anything that could bring a deleted asset back try (late jobs, webhooks, the janitor).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const now = await Promise.all([...deleted].map((id) => registry.get(id)));
    const back = now.filter((asset) => asset?.status !== 'deleted').map((asset) => `${asset?.id} ${asset?.status}`);
    row('deleted assets still deleted', deleted.size, deleted.size - back.length);
    if (back.length > 0) row('deleted assets that came back', 'none', back.slice(0, 3).join(', '));
    const leftLocal = (await filesUnder(cluster.dataDir, ['assets'])).filter((key) =>
      [...deleted].some((id) => key.includes(id)),
    );
    row('local files of deleted assets', 0, leftLocal.length === 0 ? 0 : leftLocal.slice(0, 3).join(', '));
    const leftImageKit = cluster.emulator.files().filter((file) => [...deleted].some((id) => file.name.includes(id)));
    row('ImageKit files of deleted assets', 0, leftImageKit.length === 0 ? 0 : leftImageKit.map((f) => f.filePath).join(', '));
    // Distinct notification ids: a redelivery repeats its id.
    const tombstones = countBy(
      [...new Set(cluster.sink.received.filter((n) => n.type === 'asset.deleted').map((n) => `${n.assetId} ${n.id}`))],
      (entry) => entry.split(' ')[0]!,
    );
    const once = [...deleted].filter((id) => tombstones.get(id) === 1).length;
    row('deleted assets with one asset.deleted', deleted.size, once);
  }

  const everything = await listAll(registry);
  const strangers = everything.filter((asset) => !accepted.has(asset.id));
  const unexplained = strangers.filter(
    (asset) => !(expectations.unacceptedAllowed?.has(asset.id) && asset.status === 'rejected'),
  );
  row('registry records not accepted', 0, unexplained.map((asset) => `${asset.id} ${asset.status}`).join(', ') || 0);

  // The janitor sweeps what crashes left once it is older than the cleanup window: give it that long.
  const staging = await untilEmpty(() => filesUnder(cluster.dataDir, ['staging', '.tmp']), 20_000);
  row('objects left in staging', 0, staging.length === 0 ? 0 : `${staging.length}: ${staging.slice(0, 3).join(', ')}`);

  const local = await auditLocalDestination(cluster.dataDir, assets);
  row('local files delivered (hash = ?v=)', local.expected, local.verified);
  row('local files not belonging to a ready asset', 0, local.strays.length === 0 ? 0 : local.strays.slice(0, 3).join(', '));

  const imagekit = auditImageKit(cluster, assets, expectations.versionsByPath);
  row('ImageKit files (one per asset)', imagekit.expectedFiles, imagekit.files);
  row('ImageKit versions (none extra)', imagekit.expectedVersions, imagekit.versions);

  const notifications = auditNotifications(cluster, assets);
  row(
    'assets with exactly one asset.ready id',
    notifications.expected,
    notifications.off.length === 0
      ? notifications.exactlyOnce
      : `${notifications.exactlyOnce} (off: ${notifications.off.slice(0, 3).join(', ')})`,
    notifications.off.length === 0,
  );
  row('notifications redelivered with the same id', 'any', notifications.redelivered, true);
  row('notifications with a bad signature', 0, cluster.sink.badSignatures.length);

  const purged = countBy(
    cluster.emulator.purges().map((purge) => purge.url),
    (url) => url,
  );
  const bounds = new Map(expectations.purges ?? []);
  for (const url of purged.keys()) {
    if (!bounds.has(url) && [...deleted].some((id) => url.includes(id))) bounds.set(url, { min: 0, max: 1 });
  }
  const outside = [...new Set([...purged.keys(), ...bounds.keys()])].filter((url) => {
    const n = purged.get(url) ?? 0;
    const bound = bounds.get(url) ?? { min: 0, max: 0 };
    return n < bound.min || n > bound.max;
  });
  const total = [...purged.values()].reduce((sum, n) => sum + n, 0);
  row(
    `ImageKit purges (${bounds.size} URLs expected)`,
    'each within bounds',
    outside.length === 0 ? `${total} calls` : `off: ${outside.join(' ')}`,
    outside.length === 0,
  );

  const versions = await auditCurrentVersions(cluster, registry);
  row('registry current version = ImageKit current', versions.files, versions.matching);

  const health = await Promise.all(
    cluster.services().map(async (service) => [service.name, await service.answers('/readyz')] as const),
  );
  const sick = health.filter(([, ready]) => !ready).map(([name]) => name);
  row('services ready', cluster.services().length, cluster.services().length - sick.length);

  return { rows, ok: rows.every((candidate) => candidate.ok), retried };
}

/** Waits until every asset is terminal (or the time is up), reading the registry directly. */
async function settle(cluster: Cluster, ids: readonly string[], timeoutMs: number): Promise<Asset[]> {
  const registry = createRedisAssetRegistry({ redis: cluster.redisConnection(), prefix: cluster.prefix });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const assets = (await Promise.all(ids.map((id) => registry.get(id)))).filter((asset): asset is Asset => asset !== null);
    const done = assets.length === ids.length && assets.every((asset) => terminalStatuses.includes(asset.status));
    if (done || Date.now() > deadline) return assets;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Waits until no queue has work left (notifications, webhook events and purges included). */
async function quiesce(cluster: Cluster, timeoutMs: number): Promise<void> {
  const queues = [...Cluster.stageQueues, 'imagekit.event', 'cdn.purge', 'ingest.erase'] as const;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counts = await Promise.all(
      queues.map((name) => cluster.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused')),
    );
    const busy = counts.some((count) => Object.values(count).some((n) => n > 0));
    if (!busy) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function untilEmpty(list: () => Promise<string[]>, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let found = await list();
  while (found.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    found = await list();
  }
  return found;
}

async function listAll(registry: ReturnType<typeof createRedisAssetRegistry>): Promise<Asset[]> {
  const all: Asset[] = [];
  let cursor: string | undefined;
  do {
    const page = await registry.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    all.push(...page.assets);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

async function filesUnder(root: string, dirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else found.push(relative(root, path));
    }
  }
  for (const dir of dirs) await walk(join(root, dir));
  return found;
}

/** Every file of every ready local asset exists with the bytes its `?v=` names; nothing else is there. */
async function auditLocalDestination(dataDir: string, assets: readonly Asset[]) {
  const expected = new Map<string, string>();
  for (const asset of assets) {
    if (asset.destination !== 'local' || asset.status !== 'ready' || !asset.output) continue;
    for (const placed of [asset.output, ...(asset.output.variants ?? [])]) {
      expected.set(placed.key, new URL(placed.url ?? 'http://x/').searchParams.get('v') ?? '');
    }
  }
  let verified = 0;
  for (const [key, version] of expected) {
    const bytes = await readFile(join(dataDir, key)).catch(() => undefined);
    if (bytes && createHash('sha256').update(bytes).digest('hex').startsWith(version)) verified++;
  }
  const strays = (await filesUnder(dataDir, ['assets'])).filter((key) => !expected.has(key));
  return { expected: expected.size, verified, strays };
}

/** For every ImageKit file, the asset it is indexed to marks ImageKit's current version current. */
async function auditCurrentVersions(cluster: Cluster, registry: ReturnType<typeof createRedisAssetRegistry>) {
  const files = cluster.emulator.files();
  let matching = 0;
  for (const file of files) {
    const assetId = await registry.findByImageKitFileId(file.fileId);
    const asset = assetId ? await registry.get(assetId) : null;
    const current = asset?.versions?.filter((version) => version.current) ?? [];
    if (current.length === 1 && current[0]!.versionId === file.currentVersionId) matching++;
  }
  return { files: files.length, matching };
}

function auditImageKit(cluster: Cluster, assets: readonly Asset[], versionsByPath?: ReadonlyMap<string, number>) {
  const paths = new Set(
    assets
      .filter((asset) => asset.destination === 'imagekit' && asset.status === 'ready')
      .map((a) => a.output!.imagekit!.filePath),
  );
  const files = cluster.emulator.files();
  const expectedVersions = [...paths].reduce((sum, path) => sum + (versionsByPath?.get(path) ?? 1), 0);
  const versions = files.reduce((sum, file) => sum + file.versions.length, 0);
  return { expectedFiles: paths.size, files: files.length, expectedVersions, versions };
}

/** Each ready asset has exactly one `asset.ready` id (redeliveries repeat it); nothing else got one. */
function auditNotifications(cluster: Cluster, assets: readonly Asset[]) {
  const readyIds = new Map<string, Set<string>>();
  for (const notification of cluster.sink.received) {
    if (notification.type !== 'asset.ready') continue;
    const ids = readyIds.get(notification.assetId) ?? new Set<string>();
    ids.add(notification.id);
    readyIds.set(notification.assetId, ids);
  }
  const readyAssets = assets.filter((asset) => asset.status === 'ready');
  const off = readyAssets.filter((asset) => readyIds.get(asset.id)?.size !== 1);
  const ids = new Set(cluster.sink.received.map((notification) => notification.id));
  return {
    expected: readyAssets.length,
    exactlyOnce: readyAssets.length - off.length,
    off: off.map((asset) => `${asset.id}: ${readyIds.get(asset.id)?.size ?? 0}`),
    redelivered: cluster.sink.received.length - ids.size,
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** The audit as a fixed-width table, for the test output and the README. */
export function formatAudit(title: string, result: AuditResult): string {
  const widths = [5, 45, 28, 28];
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ');
  return [
    `${title}: ${result.ok ? 'PASS' : 'FAIL'}`,
    line(['ok', 'check', 'expected', 'actual']),
    ...result.rows.map((r) => line([r.ok ? 'ok' : 'FAIL', r.check, r.expected, r.actual])),
  ].join('\n');
}
