import type { TusDataStore } from './tus-library';

/**
 * Keeps track of the datastore's writes in flight, so shutdown can wait for them. A PATCH cut
 * off by its client ends its HTTP request at once, but the store goes on saving what arrived
 * (S3: the parts being sent and the incomplete part) in the background. A process that stopped
 * then would lose those bytes, and a new process resuming the upload at the same time would race
 * the old one's parts and could join a corrupt file (the e2e restart test on S3 caught exactly
 * that). Draining after the HTTP server closed and before the process ends closes the gap within
 * one process's shutdown; several gateways serving one upload at once still need a shared lock.
 *
 * The one receive path that does not run through `guardedUpload` (`@ingestkit/storage`): the
 * limit is `@tus/server`'s own (Upload-Length, checked against the caps at creation, and no PATCH
 * past it), and a PATCH's bytes may start anywhere in the file, so sniffing and hashing run once
 * over the joined file at completion (`completeDirectUpload`), as for every direct upload.
 */
export function trackWrites(datastore: TusDataStore): { drain(): Promise<void> } {
  const pending = new Set<Promise<number>>();
  const write = datastore.write.bind(datastore);
  datastore.write = (...args: Parameters<TusDataStore['write']>) => {
    const writing = write(...args);
    pending.add(writing);
    const settle = () => void pending.delete(writing);
    writing.then(settle, settle);
    return writing;
  };
  return {
    drain: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
