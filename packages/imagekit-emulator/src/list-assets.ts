import { ApiError } from './api-error';
import { type FileStore } from './file-store';
import { type Json, toFileDetails } from './file-views';

/** Query parameters of `GET /v1/files` that the emulator understands (`searchQuery` is not supported). */
export interface ListQuery {
  type?: string;
  path?: string;
  fileType?: string;
  sort?: string;
  limit?: string;
  skip?: string;
  searchQuery?: string;
}

const SORT_KEYS: Record<string, (item: Json) => string | number> = {
  NAME: (item) => String(item.name),
  CREATED: (item) => String(item.createdAt),
  UPDATED: (item) => String(item.updatedAt),
  HEIGHT: (item) => Number(item.height ?? 0),
  WIDTH: (item) => Number(item.width ?? 0),
  SIZE: (item) => Number(item.size ?? 0),
  RELEVANCE: (item) => String(item.createdAt),
};

/**
 * `GET /v1/files`: files (default), file versions, folders or all, optionally limited to the direct
 * contents of one folder (`path=/a/b/`; subfolders are not searched, as ImageKit documents), filtered
 * by `fileType` (`image`, `non-image`, `all`), sorted, and paged with `skip`/`limit` (1–1000, default 1000).
 */
export function listAssets(store: FileStore, query: ListQuery, urlEndpoint: string): Json[] {
  const type = query.type ?? 'file';
  if (!['file', 'file-version', 'folder', 'all'].includes(type))
    throw new ApiError(400, 'Your request contains invalid type parameter.');
  const folder = query.path === undefined ? undefined : `/${query.path.split('/').filter(Boolean).join('/')}/`.replace('//', '/');
  const inFolder = (parent: string) => folder === undefined || parent === folder;
  const files = store.list().filter((file) => inFolder(file.folder));
  let items: Json[] = [];
  if (type === 'file' || type === 'all')
    items.push(...files.map((file) => toFileDetails(file, store.current(file), urlEndpoint)));
  if (type === 'file-version') {
    for (const file of files) {
      for (const version of file.versions) {
        if (version.versionId !== file.currentVersionId) items.push(toFileDetails(file, version, urlEndpoint));
      }
    }
  }
  if (type === 'folder' || type === 'all') items.push(...listFolders(store, inFolder));
  if (query.fileType && query.fileType !== 'all')
    items = items.filter((item) => item.type === 'folder' || item.fileType === query.fileType);
  const [, direction = 'ASC', key = 'CREATED'] = /^(ASC|DESC)_([A-Z]+)$/.exec(query.sort ?? 'ASC_CREATED') ?? [];
  const sortKey = SORT_KEYS[key] ?? SORT_KEYS.CREATED!;
  items.sort((a, b) => {
    const [x, y] = [sortKey(a), sortKey(b)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return direction === 'DESC' ? -order : order;
  });
  const skip = Math.max(0, Number(query.skip ?? 0) || 0);
  const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 1000) || 1000));
  return items.slice(skip, skip + limit);
}

function listFolders(store: FileStore, inFolder: (parent: string) => boolean): Json[] {
  const folders = new Map<string, Date>();
  for (const file of store.list()) {
    const segments = file.folder.split('/').filter(Boolean);
    for (let depth = 1; depth <= segments.length; depth += 1) {
      const folderPath = `/${segments.slice(0, depth).join('/')}/`;
      const created = folders.get(folderPath);
      if (!created || file.createdAt < created) folders.set(folderPath, file.createdAt);
    }
  }
  return [...folders]
    .filter(([folderPath]) => inFolder(folderPath.replace(/[^/]+\/$/, '')))
    .map(([folderPath, createdAt]) => ({
      type: 'folder',
      name: folderPath.split('/').filter(Boolean).pop(),
      folderPath: folderPath.slice(0, -1),
      folderId: Buffer.from(folderPath).toString('hex').slice(0, 24),
      customMetadata: {},
      createdAt: createdAt.toISOString(),
      updatedAt: createdAt.toISOString(),
    }));
}
