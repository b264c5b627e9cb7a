import type { Queue } from 'bullmq';
import express, { Router, type RequestHandler } from 'express';
import { ImageKitEvent, IngestError, toIngestError } from '@ingestkit/contracts';
import { checkImageKitWebhookHeaders, verifyImageKitWebhook, type ImageKitWebhookScheme } from '@ingestkit/imagekit';
import { enqueueStage, type Logger } from '@ingestkit/runtime';
import type { EventDedupe } from './event-dedupe';
import type { DeliveryOutcome, WebhookMetrics } from './webhook-metrics';

export interface WebhookRouteDeps {
  verification: { secrets: readonly string[]; schemes: readonly ImageKitWebhookScheme[]; toleranceMs: number };
  dedupe: EventDedupe;
  eventQueue: Queue;
  metrics: WebhookMetrics;
  logger: Logger;
}

/** ImageKit events are small JSON documents; anything near this size is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * `POST /webhooks/imagekit`: before reading a byte of the body, refuses a delivery without
 * well-formed, fresh signature headers (401) or declaring more than 1 MiB (413), closing the
 * connection; then verifies the raw body's signature, drops event ids already accepted,
 * and enqueues the event on `imagekit.event`. It does no registry work, so it answers in a few
 * Redis round trips: ImageKit retries slow or non-2xx answers. Refusals are 401 with
 * `details.reason`; a Redis outage is a 503, which ImageKit retries.
 */
export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const router = Router();
  const count = (outcome: DeliveryOutcome) => deps.metrics.deliveries.inc({ outcome });

  /** What can be refused from the headers alone, so an unsigned or oversized request costs no body read. */
  const checkBeforeBody: RequestHandler = (req, res, next) => {
    try {
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
        throw new IngestError('payload_too_large', `an ImageKit event is smaller than ${MAX_BODY_BYTES} bytes`);
      }
      checkImageKitWebhookHeaders({
        headers: req.headers,
        schemes: deps.verification.schemes,
        toleranceMs: deps.verification.toleranceMs,
      });
      next();
    } catch (err) {
      const error = toIngestError(err);
      const reason = error.code === 'unauthorized' ? (error.details?.reason as DeliveryOutcome | undefined) : undefined;
      count(reason ?? 'bad_request');
      deps.logger.warn({ code: error.code, reason, err: error.message }, 'webhook delivery refused before its body');
      // The body is left unread: do not keep a connection whose next bytes are this body's.
      res.setHeader('Connection', 'close');
      next(error);
    }
  };

  const readBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });
  router.post('/webhooks/imagekit', checkBeforeBody, readBody, async (req, res, next) => {
    let event: ImageKitEvent;
    try {
      const verified = verifyImageKitWebhook({
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        headers: req.headers,
        secrets: deps.verification.secrets,
        schemes: deps.verification.schemes,
        toleranceMs: deps.verification.toleranceMs,
      });
      const parsed = ImageKitEvent.safeParse(verified);
      if (!parsed.success) throw new IngestError('bad_request', `not an ImageKit event: ${parsed.error.message}`);
      event = parsed.data;
    } catch (err) {
      const error = toIngestError(err);
      const reason = error.code === 'unauthorized' ? (error.details?.reason as DeliveryOutcome | undefined) : undefined;
      count(reason ?? 'bad_request');
      deps.logger.warn({ code: error.code, reason, err: error.message }, 'webhook delivery refused');
      next(error);
      return;
    }

    res.locals.eventId = event.id;
    let claimed = false;
    try {
      const claim = await deps.dedupe.claim(event.id);
      claimed = claim === 'new';
      if (claim === 'duplicate') {
        count('duplicate');
        deps.metrics.duplicates.inc();
        res.status(200).json({ received: true, duplicate: true });
        return;
      }
      // `pending`: an earlier delivery claimed the id but did not confirm; the job id makes this add a no-op if it got through.
      await enqueueStage(deps.eventQueue, { version: 1, event });
      await deps.dedupe.markEnqueued(event.id);
    } catch (err) {
      if (claimed) await deps.dedupe.release(event.id).catch(() => undefined);
      count('unavailable');
      next(toIngestError(err, 'dependency_unavailable'));
      return;
    }
    count('accepted');
    deps.logger.info({ eventId: event.id, type: event.type }, 'webhook event accepted');
    res.status(200).json({ received: true });
  });
  return router;
}
