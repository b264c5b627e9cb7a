import { Router, type Express, type RequestHandler } from 'express';
import { IngestError, type ImportListJob } from '@ingestkit/contracts';
import type { PurgeStore } from '@ingestkit/purge';
import type { AssetRegistry } from '@ingestkit/registry';
import {
  createHttpApp,
  finishHttpApp,
  isRedisReachable,
  operationalRoutes,
  type IngestQueues,
  type Logger,
  type Redis,
  type Registry,
} from '@ingestkit/runtime';
import type { Queue } from 'bullmq';
import {
  relaysParts,
  type DirectUploadSigner,
  type HashPool,
  type MultipartUploads,
  type ObjectStore,
  type Originals,
} from '@ingestkit/storage';
import { assetRoutes } from './assets/assets.routes';
import { deleteRoutes } from './assets/delete.routes';
import { editRoutes } from './assets/edit.routes';
import { createAuth } from './http/auth';
import { completeRoutes } from './uploads/complete.routes';
import type { GatewayConfig } from './config';
import { corsMiddleware } from './http/cors';
import { docsReferenceRoutes, openApiRoutes } from './docs/docs.routes';
import { localFilesRoutes } from './assets/files.routes';
import { originalRoutes } from './assets/original.routes';
import { countUploadRejections, createGatewayMetrics } from './http/gateway-metrics';
import { createBackpressure } from './http/backpressure';
import { createIdempotency } from './http/idempotency';
import { requireS3EventsToken } from './http/events-auth';
import type { Route } from './http/route';
import { requireAdminKey } from './http/admin-auth';
import { adminRoutes } from './admin/admin.routes';
import { imagekitRoutes } from './cdn/imagekit.routes';
import { mountRoutes, type AuthChains } from './http/mount-routes';
import { purgeRoutes } from './cdn/purge.routes';
import { createAdmission } from './intake/admission';
import { createIntake } from './intake/intake';
import { createImportStore } from './imports/import-store';
import { importRoutes } from './imports/imports.routes';
import { jobRoutes } from './jobs/jobs.routes';
import { relayedPartRoutes } from './multipart/relayed-parts.routes';
import { localUploadRoutes } from './uploads/local-uploads.routes';
import { createMultipartSessions } from './multipart/multipart-sessions';
import { presignRoutes } from './uploads/presign.routes';
import { createRateLimit } from './http/rate-limit';
import { localUploadSecret, uppySignSecret } from './http/signing-keys';
import { createUploadTokens } from './http/upload-token';
import { uploadTokenRoutes } from './uploads/upload-tokens.routes';
import { uploadRoutes } from './uploads/uploads.routes';
import { uppyRoutes } from './uppy/uppy.routes';
import { uppySignRoutes } from './uppy/uppy-sign.routes';
import { createUppyUploads, tokenFromPath } from './uppy/uppy-uploads';
import type { TusDataStore } from './tus/tus-library';
import type { TusMetrics } from './tus/tus-metrics';
import { tusRoutes } from './tus/tus.routes';
import { reprocessRoutes } from './reprocess/reprocess.routes';
import { createRunStore } from './reprocess/run-store';
import { createTusUploads } from './tus/tus-uploads';

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
  > &
    Partial<Pick<GatewayConfig, 'edge' | 'policies'>> & {
      redis: Pick<GatewayConfig['redis'], 'prefix'>;
      sources: Pick<GatewayConfig['sources'], 'buckets'>;
    };
  logger: Logger;
  metrics: Registry;
  /** A fail-fast (producer) connection: requests answer 503 at once while Redis is away. */
  redis: Redis;
  registry: AssetRegistry;
  queues: IngestQueues;
  purgeQueue: Queue;
  /** `ingest.erase`: what `DELETE /v1/assets/:id` adds after recording the tombstone (the worker consumes it). */
  eraseQueue: Queue;
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
  /** Where originals are kept (`ORIGINALS_STORE`), served by `GET /v1/assets/:id/original`; absent when off. */
  originals?: Originals;
  /** Resumable uploads at `/v1/tus` over this datastore (see `createTusDatastore`); off without it. */
  tus?: { datastore: TusDataStore; metrics: TusMetrics };
  /** Threads that hash uploads (see `createHashPool`), owned and closed by the caller; without them, hashing is inline. */
  hashPool?: HashPool;
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
  const authChains: AuthChains = {
    apiKey: [requireApiKey],
    uploader: [requireUploader],
    pathToken: [tokenFromPath, requireUploader],
    admin: [requireAdminKey(config.auth.adminKeys)],
    s3Events: [requireS3EventsToken({ token: config.s3Events.token, requireApiKey })],
    signed: [],
    public: [],
  };
  // Declared routes, mounted where they stand among the others (order decides between paths
  // that overlap) and collected for the document.
  const routes: Route[] = [];
  const mount = (declared: readonly Route[]) => {
    routes.push(...declared);
    return mountRoutes(Router(), declared, { auth: authChains, idempotent });
  };
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
    edge: config.edge,
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
    policies: config.policies ?? {},
    logger: deps.logger,
  });
  const assertBacklogBelowBound = createBackpressure({
    queues: [deps.queues.validate, deps.queues.optimize, deps.queues.deliver],
    maxBacklog: config.limits.maxBacklog,
  });
  const admission = createAdmission({
    destinations: config.destinations,
    maxUploadBytes: config.limits.maxUploadBytes,
    assertQueueAvailable,
    assertBacklogBelowBound,
    redis,
    prefix,
  });
  app.use(mount(uploadTokenRoutes({ tokens, destinations: config.destinations })));
  app.use(
    mount(
      presignRoutes({ intake, admission, signer: deps.uploadSigner, expiresInSeconds: config.directUploads.expiresInSeconds }),
    ),
  );
  const gatewayMetrics = createGatewayMetrics(deps.metrics);
  app.use(
    mount(
      uploadRoutes({
        intake,
        admission,
        destinations: config.destinations,
        staging: deps.staging,
        countBytes: (bytes) => gatewayMetrics.uploadBytes.inc(bytes),
        hashPool: deps.hashPool,
      }),
    ),
  );
  const sessions = createMultipartSessions({ ...deps, prefix, staging: deps.staging, intake });
  const uppyUploads = createUppyUploads({
    intake,
    admission,
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
  };
  app.use(mount(uppySignRoutes({ ...uppy, secret: uppySignSecret(config.signing.secret) })));
  app.use(mount(uppyRoutes(uppy)));
  if (deps.tus) {
    app.use(
      mount(
        tusRoutes({
          uploads: createTusUploads({ admission, intake, registry: deps.registry, staging: deps.staging, redis, prefix }),
          datastore: deps.tus.datastore,
          metrics: deps.tus.metrics,
          logger: deps.logger,
          corsOrigins: config.cors.origins,
        }),
      ),
    );
  }
  if (relaysParts(deps.multipart)) {
    app.use(
      mount(
        relayedPartRoutes({
          multipart: deps.multipart,
          sessions,
          secret: localUploadSecret(config.signing.secret),
          maxUploadBytes: config.limits.maxUploadBytes,
        }),
      ),
    );
  }
  app.use(
    mount(
      localUploadRoutes({
        staging: deps.staging,
        registry: deps.registry,
        secret: localUploadSecret(config.signing.secret),
        redis,
        prefix,
        hashPool: deps.hashPool,
      }),
    ),
  );
  app.use(mount(completeRoutes({ registry: deps.registry, staging: deps.staging, intake })));
  app.use(
    mount(
      jobRoutes({
        intake,
        admission,
        sourceBuckets: config.sources.buckets,
        assertQueueAvailable,
        assertBacklogBelowBound,
      }),
    ),
  );
  if (deps.importQueue) {
    app.use(
      mount(
        importRoutes({
          store: createImportStore({ redis, prefix }),
          registry: deps.registry,
          listQueue: deps.importQueue,
          destinations: config.destinations,
          sourceBuckets: config.sources.buckets,
          assertQueueAvailable,
        }),
      ),
    );
  }
  app.use(mount(assetRoutes({ registry: deps.registry, queues: deps.queues })));
  app.use(
    mount(
      reprocessRoutes({
        registry: deps.registry,
        originals: deps.originals?.store,
        staging: deps.staging,
        validateQueue: deps.queues.validate,
        store: createRunStore({ redis, prefix }),
        assertQueueAvailable,
      }),
    ),
  );
  app.use(mount(originalRoutes({ registry: deps.registry, originals: deps.originals })));
  app.use(mount(deleteRoutes({ registry: deps.registry, eraseQueue: deps.eraseQueue })));
  app.use(mount(editRoutes({ registry: deps.registry })));
  app.use(mount([...localFilesRoutes({ store: deps.localAssets }), ...imagekitRoutes({ imagekit: config.imagekit })]));
  app.use(
    mount(
      purgeRoutes({
        store: deps.purges,
        queue: deps.purgeQueue,
        urlEndpoints: config.imagekit ? [config.imagekit.urlEndpoint] : [],
        maxUrlsPerCall: config.purge.maxUrlsPerCall,
        assertQueueAvailable,
      }),
    ),
  );
  app.use(
    mount(
      adminRoutes({
        registry: deps.registry,
        queues: deps.queues,
        boardQueues: [
          deps.queues.validate,
          deps.queues.optimize,
          deps.queues.deliver,
          deps.purgeQueue,
          deps.eraseQueue,
          ...(deps.importQueue ? [deps.importQueue as Queue] : []),
          ...deps.boardQueues,
        ],
      }),
    ),
  );
  // Last: the document lists every route declared above, the runtime's health, readiness and
  // metrics routes (mounted by createHttpApp, described by operationalRoutes) and this one.
  app.use(mount(openApiRoutes({ destinations: config.destinations, routes: [...operationalRoutes(config.edge), ...routes] })));
  app.use(docsReferenceRoutes());
  app.use(countUploadRejections(gatewayMetrics));
  return finishHttpApp(app, deps.logger);
}
