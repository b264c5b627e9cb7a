import type { Express } from 'express';
import { IngestError } from '@ingestkit/contracts';
import type { PurgeStore } from '@ingestkit/purge';
import type { AssetRegistry } from '@ingestkit/registry';
import {
  createHttpApp,
  finishHttpApp,
  isRedisReachable,
  type IngestQueues,
  type Logger,
  type Redis,
  type Registry,
} from '@ingestkit/runtime';
import type { Queue } from 'bullmq';
import type { ObjectStore } from '@ingestkit/storage';
import { assetRoutes } from './assets.routes';
import { requireApiKey } from './auth';
import type { GatewayConfig } from './config';
import { localFilesRoutes } from './files.routes';
import { docsRoutes } from './docs.routes';
import { imagekitRoutes } from './imagekit.routes';
import { purgeRoutes } from './purge.routes';
import { createIntake } from './intake';
import { uploadRoutes } from './uploads.routes';

export interface GatewayDeps {
  config: Pick<GatewayConfig, 'auth' | 'limits' | 'defaultDestination' | 'destinations' | 'imagekit' | 'purge'>;
  logger: Logger;
  metrics: Registry;
  /** A fail-fast (producer) connection: requests answer 503 at once while Redis is away. */
  redis: Redis;
  registry: AssetRegistry;
  queues: IngestQueues;
  purgeQueue: Queue;
  purges: PurgeStore;
  staging: ObjectStore;
  /** The `local` destination's store, served under `/files/`. */
  localAssets: ObjectStore;
}

/** The upload gateway's HTTP app, built from real dependencies (tests pass their own). */
export function createGateway(deps: GatewayDeps): Express {
  const requireAuth = requireApiKey(deps.config.auth.apiKeys);
  const assertQueueAvailable = async () => {
    if (!(await isRedisReachable(deps.redis))) {
      throw new IngestError('dependency_unavailable', 'the queue (Redis) is unavailable; retry later', {
        details: { dependency: 'redis', retryAfterSeconds: 5 },
      });
    }
  };
  const app = createHttpApp({
    logger: deps.logger,
    registry: deps.metrics,
    readiness: [
      { name: 'redis', check: async () => void (await deps.redis.ping()) },
      { name: 'staging', check: () => deps.staging.ping() },
    ],
  });
  const acceptAsset = createIntake({
    registry: deps.registry,
    validateQueue: deps.queues.validate,
    defaultDestination: deps.config.defaultDestination,
    logger: deps.logger,
  });
  app.use(
    uploadRoutes({
      staging: deps.staging,
      maxUploadBytes: deps.config.limits.maxUploadBytes,
      destinations: deps.config.destinations,
      acceptAsset,
      assertQueueAvailable,
      requireAuth,
    }),
  );
  app.use(assetRoutes({ registry: deps.registry, queues: deps.queues, requireAuth }));
  app.use(localFilesRoutes({ store: deps.localAssets }));
  app.use(imagekitRoutes({ imagekit: deps.config.imagekit, requireAuth }));
  app.use(
    purgeRoutes({
      store: deps.purges,
      queue: deps.purgeQueue,
      urlEndpoints: deps.config.imagekit ? [deps.config.imagekit.urlEndpoint] : [],
      maxUrlsPerCall: deps.config.purge.maxUrlsPerCall,
      requireAuth,
      assertQueueAvailable,
    }),
  );
  app.use(docsRoutes({ destinations: deps.config.destinations }));
  return finishHttpApp(app, deps.logger);
}
