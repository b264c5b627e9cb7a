import type { ImageKitAdapter } from '@ingestkit/imagekit';
import type { PurgeBackend } from './purge-backend';

/** The ImageKit purge API behind the {@link PurgeBackend} port; errors are already `IngestError`s from the client. */
export function createImageKitPurgeBackend(deps: { client: Pick<ImageKitAdapter, 'purge' | 'purgeStatus'> }): PurgeBackend {
  return {
    purge: (rule) => deps.client.purge(rule),
    status: (requestId) => deps.client.purgeStatus(requestId),
  };
}
