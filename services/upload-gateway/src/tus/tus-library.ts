/**
 * `@tus/server` 2.x and its stores are ESM-only; the gateway is CommonJS. They are loaded with
 * `require`, which loads an ES module synchronously on Node ≥ 20.19 (`require(esm)`, unflagged
 * since 20.19; the same floor `@tus/server` itself declares, so the root `engines` is
 * `>=20.19`). A dynamic `import()` would also work but would make building the gateway's app
 * asynchronous for four modules without top-level await. jest (SWC, CommonJS) transforms
 * these packages like our sources (`transformIgnorePatterns` in `jest.preset.js`).
 * Types come through `resolution-mode: import`, so TypeScript checks them as the ES modules they are.
 */
import type * as TusServerModule from '@tus/server' with { 'resolution-mode': 'import' };
import type * as TusFileStoreModule from '@tus/file-store' with { 'resolution-mode': 'import' };
import type * as TusS3StoreModule from '@tus/s3-store' with { 'resolution-mode': 'import' };
/** srvx wraps node requests for `@tus/server` 2.x; its node adapter writes the answer back. */
import type * as SrvxNodeModule from 'srvx/node' with { 'resolution-mode': 'import' };

/* eslint-disable @typescript-eslint/no-require-imports -- require(esm), see above */
export const tusServer = require('@tus/server') as typeof TusServerModule;
export const tusFileStore = require('@tus/file-store') as typeof TusFileStoreModule;
export const tusS3Store = require('@tus/s3-store') as typeof TusS3StoreModule;
export const srvxNode = require('srvx/node') as typeof SrvxNodeModule;
/* eslint-enable @typescript-eslint/no-require-imports */

export type TusServer = InstanceType<(typeof TusServerModule)['Server']>;
export type TusDataStore = TusServer['datastore'];
export type TusUpload = Awaited<ReturnType<TusDataStore['getUpload']>>;
