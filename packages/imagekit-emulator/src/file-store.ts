import { randomBytes } from 'node:crypto';
import { ApiError, MESSAGES } from './api-error';
import { type MediaInfo } from './media-info';

/** One stored version of a file: its bytes and the metadata that travels with it. */
export interface VersionRecord {
  versionId: string;
  /** `Version N`, N counting every version ever created for the file. */
  versionName: string;
  /** Opaque token used in `?ik-obj-version=` URLs of non-current versions. */
  objectVersion: string;
  bytes: Buffer;
  size: number;
  media: MediaInfo;
  tags: string[] | null;
  customMetadata: Record<string, unknown>;
  customCoordinates: string | null;
  isPrivateFile: boolean;
  isPublished: boolean;
  description?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A file: stable id and path, its versions (oldest first) and which one is current. */
export interface FileRecord {
  fileId: string;
  name: string;
  filePath: string;
  /** Folder in `/a/b/` form. */
  folder: string;
  createdAt: Date;
  currentVersionId: string;
  versions: VersionRecord[];
  /** Versions ever created (names keep counting after deletions). */
  versionCount: number;
}

/** The version fields a caller supplies; ids, names and timestamps are assigned by the store. */
export type NewVersion = Omit<VersionRecord, 'versionId' | 'versionName' | 'objectVersion' | 'createdAt' | 'updatedAt'>;

const MAX_VERSIONS = 100;

/** A 24-hex id shaped like ImageKit's (time prefix + random), e.g. `653fc60e002322e4ebd5b5b7`. */
export function newObjectId(): string {
  return (
    Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, '0') + randomBytes(8).toString('hex')
  );
}

/** In-memory files and versions, keyed by id and by path. Not persistent; one per emulator. */
export class FileStore {
  private readonly byId = new Map<string, FileRecord>();
  private readonly byPath = new Map<string, string>();

  /** The file at `filePath`, if any. */
  findByPath(filePath: string): FileRecord | undefined {
    const id = this.byPath.get(filePath);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The file with `fileId`, or a 404 `ApiError`. */
  get(fileId: string): FileRecord {
    const file = this.byId.get(fileId);
    if (!file) throw new ApiError(404, MESSAGES.fileNotFound);
    return file;
  }

  /** All files, oldest first. */
  list(): FileRecord[] {
    return [...this.byId.values()];
  }

  /** The current version of a file. */
  current(file: FileRecord): VersionRecord {
    const version = file.versions.find((candidate) => candidate.versionId === file.currentVersionId);
    if (!version) throw new Error(`file ${file.fileId} has no current version`);
    return version;
  }

  /** A version of a file, or a 404 `ApiError`. */
  version(file: FileRecord, versionId: string, notFound: string = MESSAGES.versionNotFound): VersionRecord {
    const version = file.versions.find((candidate) => candidate.versionId === versionId);
    if (!version) throw new ApiError(404, notFound);
    return version;
  }

  /** Creates a file whose first version has `versionId === fileId` and name `Version 1`. */
  create(folder: string, name: string, data: NewVersion): FileRecord {
    const fileId = newObjectId();
    const now = new Date();
    const file: FileRecord = {
      fileId,
      name,
      folder,
      filePath: `${folder}${name}`,
      createdAt: now,
      currentVersionId: fileId,
      versions: [],
      versionCount: 0,
    };
    this.pushVersion(file, data, fileId, now);
    this.byId.set(fileId, file);
    this.byPath.set(file.filePath, fileId);
    return file;
  }

  /** Adds a version and makes it current (an upload to an existing path with `useUniqueFileName=false`). */
  addVersion(file: FileRecord, data: NewVersion): VersionRecord {
    if (file.versions.length >= MAX_VERSIONS) throw new ApiError(400, MESSAGES.tooManyVersions);
    return this.pushVersion(file, data, newObjectId(), new Date());
  }

  /** Makes an existing version current again and bumps its `updatedAt`. */
  restore(file: FileRecord, versionId: string): VersionRecord {
    const version = this.version(file, versionId);
    file.currentVersionId = versionId;
    version.updatedAt = new Date();
    return version;
  }

  /** Deletes a non-current version. */
  deleteVersion(file: FileRecord, versionId: string): void {
    this.version(file, versionId, MESSAGES.assetNotFound);
    if (versionId === file.currentVersionId) throw new ApiError(400, MESSAGES.deleteCurrentVersion);
    file.versions = file.versions.filter((candidate) => candidate.versionId !== versionId);
  }

  /** Deletes a file and all of its versions. */
  delete(file: FileRecord): void {
    this.byId.delete(file.fileId);
    this.byPath.delete(file.filePath);
  }

  private pushVersion(file: FileRecord, data: NewVersion, versionId: string, now: Date): VersionRecord {
    file.versionCount += 1;
    const version: VersionRecord = {
      ...data,
      versionId,
      versionName: `Version ${file.versionCount}`,
      objectVersion: randomBytes(16).toString('base64url'),
      createdAt: now,
      updatedAt: now,
    };
    file.versions.push(version);
    file.currentVersionId = versionId;
    return version;
  }
}
