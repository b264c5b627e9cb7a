import { type FileStore } from './file-store';
import { type PurgeTracker } from './purge-tracker';
import { type WebhookDispatcher } from './webhook-dispatcher';

/** Everything the route handlers share: configuration, state and side-effect sinks. */
export interface EmulatorContext {
  privateKey: string;
  publicKey: string;
  imagekitId: string;
  maxUploadBytes: number;
  store: FileStore;
  purges: PurgeTracker;
  /** Client-side upload tokens already presented. */
  usedTokens: Set<string>;
  /** Absent when no `webhookUrl` is configured. */
  webhooks?: WebhookDispatcher;
  /** `<origin>/<imagekitId>`; known only once the server listens, hence a getter. */
  urlEndpoint(): string;
}
