import type { Express, RequestHandler } from 'express';
import { IngestError, type ImportListJob } from '@ingestkit/contracts';
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
import type { DirectUploadSigner, LocalMultipartUploads, MultipartUploads, ObjectStore } from '@ingestkit/storage';
import { assetRoutes } from './assets.routes';
import { createAuth } from './auth';
import { completeRoutes } from './complete.routes';
import type { GatewayConfig } from './config';
import { corsMiddleware } from './cors';
import { docsRoutes } from './docs.routes';
import { localFilesRoutes } from './files.routes';
import { countUploadRejections, createGatewayMetrics } from './gateway-metrics';
import { createBackpressure } from './backpressure';
import { createIdempotency } from './idempotency';
import { requireAdminKey } from './admin-auth';
import { adminRoutes } from './admin.routes';
import { imagekitRoutes } from './imagekit.routes';
import { purgeRoutes } from './purge.routes';
import { createIntake } from './intake';
import { jobRoutes } from './jobs.routes';
import { createImportStore } from './imports/import-store';
import { importRoutes } from './imports/imports.routes';
import { localPartRoutes } from './local-parts.routes';
import { localUploadRoutes } from './local-uploads.routes';
import { createMultipartSessions } from './multipart-sessions';
import { presignRoutes } from './presign.routes';
import { createRateLimit } from './rate-limit';
import { localUploadSecret, uppySignSecret } from './signing-keys';
import { createUploadTokens } from './upload-token';
import { uploadTokenRoutes } from './upload-tokens.routes';
import { uploadRoutes } from './uploads.routes';
import { uppyRoutes } from './uppy.routes';
import { uppySignRoutes } from './uppy-sign.routes';
import { createUppyUploads, uppyAuth } from './uppy-uploads';

export interface GatewayDeps {
  config: Pick<
    GatewayConfig,
    | 'auth'
    | 'limits'
    | 'defaultDestination'
    | 'destinations'
    | 'imagekit'
    | 'signing'
    | 'directUploads'
    | 'cors'
    | 's3Events'
    | 'rateLimit'
    | 'purge'
  > & { redis: Pick<GatewayConfig['redis'], 'prefix'>; sources: Pick<GatewayConfig['sources'], 'buckets'> };
  logger: Logger;
  metrics: Registry;
  /** A fail-fast (producer) connection: requests answer 503 at once while Redis is away. */
  redis: Redis;
  registry: AssetRegistry;
  queues: IngestQueues;
  purgeQueue: Queue;
  /** `import.list`: listing pages of bucket imports (see `imports/`); without it, no import routes. */
  importQueue?: Queue<ImportListJob>;
  /** Queues of other services, shown on Bull Board (`imagekit.event`, `asset.notify`). */
  boardQueues: readonly Queue[];
  purges: PurgeStore;
  staging: ObjectStore;
  /** Signs direct uploads into `staging` (see `createDirectUploadSigner`). */
  uploadSigner: DirectUploadSigner;
  /** Multipart uploads into `staging` (see `createMultipartUploads`): Uppy's S3 routes. */
  multipart: MultipartUploads;
  /** The `local` destination's store, served under `/files/`. */
  localAssets: ObjectStore;
}

/** The upload gateway's HTTP app, built from real dependencies (tests pass their own). */
export function createGateway(deps: GatewayDeps): Express {
  const { config, redis } = deps;
  const prefix = config.redis.prefix;
  const tokens = createUploadTokens(config.signing.secret);
  const auth = createAuth({ apiKeys: config.auth.apiKeys, tokens });
  const rateLimit = createRateLimit({ redis, prefix, perMinute: config.rateLimit.perMinute });
  const limited =
    (authenticate: RequestHandler): RequestHandler =>
    (req, res, next) =>
      authenticate(req, res, (err?: unknown) => {
        if (err) return next(err);
        // Called outside express's own promise handling: route its rejection to `next`.
        Promise.resolve(rateLimit(req, res, next)).catch(next);
      });
  const requireApiKey = limited(auth.requireApiKey);
  const requireUploader = limited(auth.requireUploader);
  const idempotent = createIdempotency({ redis, prefix });
  const assertQueueAvailable = async () => {
    if (!(await isRedisReachable(redis))) {
      throw new IngestError('dependency_unavailable', 'the queue (Redis) is unavailable; retry later', {
        details: { dependency: 'redis', retryAfterSeconds: 5 },
      });
    }
  };
  const app = createHttpApp({
    logger: deps.logger,
    registry: deps.metrics,
    readiness: [
      { name: 'redis', check: async () => void (await redis.ping()) },
      { name: 'staging', check: () => deps.staging.ping() },
    ],
  });
  app.use(corsMiddleware(config.cors.origins));
  const intake = createIntake({
    registry: deps.registry,
    validateQueue: deps.queues.validate,
    defaultDestination: config.defaultDestination,
    logger: deps.logger,
  });
  const uploads = {
    maxUploadBytes: config.limits.maxUploadBytes,
    destinations: config.destinations,
    intake,
    assertQueueAvailable,
    requireUploader,
    idempotent,
    redis,
    prefix,
  };
  app.use(uploadTokenRoutes({ tokens, destinations: config.destinations, requireApiKey, idempotent }));
  app.use(presignRoutes({ ...uploads, signer: deps.uploadSigner, expiresInSeconds: config.directUploads.expiresInSeconds }));
  const gatewayMetrics = createGatewayMetrics(deps.metrics);
  const assertBacklogBelowBound = createBackpressure({
    queues: [deps.queues.validate, deps.queues.optimize, deps.queues.deliver],
    maxBacklog: config.limits.maxBacklog,
  });
  app.use(
    uploadRoutes({
      ...uploads,
      staging: deps.staging,
      countBytes: (bytes) => gatewayMetrics.uploadBytes.inc(bytes),
      assertBacklogBelowBound,
    }),
  );
  const sessions = createMultipartSessions({ ...deps, prefix, staging: deps.staging, intake });
  const uppyUploads = createUppyUploads({
    ...uploads,
    registry: deps.registry,
    sessions,
    multipart: deps.multipart,
    signer: deps.uploadSigner,
    expiresInSeconds: config.directUploads.expiresInSeconds,
  });
  const uppy = {
    uploads: uppyUploads,
    sessions,
    multipart: deps.multipart,
    expiresInSeconds: config.directUploads.expiresInSeconds,
    auth: uppyAuth(requireUploader),
  };
  app.use(uppySignRoutes({ ...uppy, secret: uppySignSecret(config.signing.secret) }));
  app.use(uppyRoutes({ ...uppy, idempotent }));
  if (isLocalMultipart(deps.multipart)) {
    app.use(
      localPartRoutes({
        multipart: deps.multipart,
        secret: localUploadSecret(config.signing.secret),
        maxUploadBytes: config.limits.maxUploadBytes,
      }),
    );
  }
  app.use(
    localUploadRoutes({
      staging: deps.staging,
      registry: deps.registry,
      secret: localUploadSecret(config.signing.secret),
      redis,
      prefix,
    }),
  );
  app.use(
    completeRoutes({
      registry: deps.registry,
      staging: deps.staging,
      intake,
      requireUploader,
      requireApiKey,
      idempotent,
      s3EventsToken: config.s3Events.token,
    }),
  );
  app.use(
    jobRoutes({
      intake,
      destinations: config.destinations,
      sourceBuckets: config.sources.buckets,
      assertQueueAvailable,
      assertBacklogBelowBound,
      requireApiKey,
      idempotent,
    }),
  );
  if (deps.importQueue) {
    app.use(
      importRoutes({
        store: createImportStore({ redis, prefix }),
        registry: deps.registry,
        listQueue: deps.importQueue,
        destinations: config.destinations,
        sourceBuckets: config.sources.buckets,
        assertQueueAvailable,
        requireApiKey,
        idempotent,
      }),
    );
  }
  app.use(assetRoutes({ registry: deps.registry, queues: deps.queues, requireAuth: requireApiKey, idempotent }));
  app.use(localFilesRoutes({ store: deps.localAssets }));
  app.use(imagekitRoutes({ imagekit: config.imagekit, requireAuth: requireApiKey }));
  app.use(
    purgeRoutes({
      store: deps.purges,
      queue: deps.purgeQueue,
      urlEndpoints: config.imagekit ? [config.imagekit.urlEndpoint] : [],
      maxUrlsPerCall: config.purge.maxUrlsPerCall,
      requireAuth: requireApiKey,
      idempotent,
      assertQueueAvailable,
    }),
  );
  app.use(
    adminRoutes({
      registry: deps.registry,
      queues: deps.queues,
      boardQueues: [
        deps.queues.validate,
        deps.queues.optimize,
        deps.queues.deliver,
        deps.purgeQueue,
        ...(deps.importQueue ? [deps.importQueue as Queue] : []),
        ...deps.boardQueues,
      ],
      requireAdmin: requireAdminKey(config.auth.adminKeys),
    }),
  );
  app.use(docsRoutes({ destinations: config.destinations }));
  app.use(countUploadRejections(gatewayMetrics));
  return finishHttpApp(app, deps.logger);
}

function isLocalMultipart(multipart: MultipartUploads): multipart is LocalMultipartUploads {
  return 'putPart' in multipart;
}
