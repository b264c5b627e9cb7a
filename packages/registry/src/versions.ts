import type { AssetVersion } from '@ingestkit/contracts';

/** A version as the destination reports it; which version is `current` is the registry's decision. */
export type VersionInput = Omit<AssetVersion, 'current' | 'deletedAt'>;

/** What `recordVersion` changed: the new list and the version that stopped being current, if any. */
export interface VersionMerge {
  versions: AssetVersion[];
  /** The version that was current before and is not any more (it needs a purge), else `null`. */
  superseded: AssetVersion | null;
}

/**
 * Upserts `input` by `versionId` and marks only the newest live version current (by `createdAt`,
 * the later-recorded one on a tie), so events applied out of order or twice give the same list.
 * A known version keeps its `createdAt` and `deletedAt`; its URL and name are refreshed
 * (`file.updated` changes the `?updatedAt=` of the same version). Pure: adapters call it inside
 * their own atomic read-modify-write. The list is kept oldest first.
 */
export function mergeVersion(list: readonly AssetVersion[], input: VersionInput): VersionMerge {
  const previous = list.find((version) => version.current) ?? null;
  const index = list.findIndex((version) => version.versionId === input.versionId);
  const next = list.map((version) => ({ ...version }));
  if (index === -1) {
    next.push({ ...input, createdAt: new Date(input.createdAt).toISOString(), current: false });
  } else {
    const known = next[index]!;
    next[index] = { ...known, url: input.url, ...(input.name !== undefined ? { name: input.name } : {}) };
  }
  const versions = markNewestCurrent(next);
  const current = versions.find((version) => version.current);
  const superseded =
    previous && current && previous.versionId !== current.versionId
      ? (versions.find((version) => version.versionId === previous.versionId) ?? null)
      : null;
  return { versions, superseded };
}

/** Marks one version (or, without `versionId`, the whole file) deleted; deleted versions are never current. */
export function markVersionsDeleted(
  list: readonly AssetVersion[],
  deletion: { versionId?: string; deletedAt: string },
): AssetVersion[] {
  const next = list.map((version) =>
    deletion.versionId === undefined || version.versionId === deletion.versionId
      ? { ...version, deletedAt: version.deletedAt ?? deletion.deletedAt }
      : { ...version },
  );
  return markNewestCurrent(next);
}

function markNewestCurrent(list: AssetVersion[]): AssetVersion[] {
  const ordered = list
    .map((version, position) => ({ version, position }))
    .sort((a, b) => Date.parse(a.version.createdAt) - Date.parse(b.version.createdAt) || a.position - b.position)
    .map(({ version }) => version);
  const newest = [...ordered].reverse().find((version) => version.deletedAt === undefined);
  return ordered.map((version) => ({ ...version, current: version === newest }));
}
