/** `@ingestkit/client` for Node: everything of the browser entry (`browser.ts`), and uploads from paths. */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { createClientWith, type IngestkitClient } from './client';
import type { ClientOptions } from './transport';
import type { FileOpener } from './upload/source';

export * from './browser';

/** Opens a path as a file-backed Blob: bytes are read as they are sent, never all at once. */
export const openFile: FileOpener = async (path) => ({ blob: await openAsBlob(path), name: basename(path) });

/** A client for one gateway and key; `upload` also takes file paths. */
export function createClient(options: ClientOptions): IngestkitClient {
  return createClientWith(options, openFile);
}
