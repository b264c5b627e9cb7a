import { IngestError, queueNames } from '@ingestkit/contracts';
import { signStandardWebhook, type NotifySettings, type StageProcessor } from '@ingestkit/runtime';

export interface NotifyDeps {
  /** Where and how to send; undefined when notifications are off. */
  settings: NotifySettings | undefined;
  /** Per attempt, connection to last body byte. Default 10 s. */
  timeoutMs?: number;
  /** Injected in tests; default: the global fetch. */
  fetch?: typeof fetch;
}

/**
 * `asset.notify`: POSTs one notification as JSON to `NOTIFY_URL`, signed with Standard Webhooks.
 * Every attempt carries the same `webhook-id` (the notification id) and a fresh timestamp and
 * signature. 2xx: done. 410 Gone: the receiver wants no more; the notification is dropped and
 * logged. Anything else (other 4xx, 5xx, network, timeout): `destination_error`, retried with
 * the catalog's backoff. With notifications off (jobs left from when they were on) it completes
 * without sending; the relay enqueues nothing new then.
 */
export function notifyProcessor(deps: NotifyDeps): StageProcessor<typeof queueNames.notify> {
  const send = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  return {
    queue: queueNames.notify,
    async process({ notification }, { logger }) {
      logger.setBindings({ notificationId: notification.id, type: notification.type, assetId: notification.data.asset.id });
      if (!deps.settings) {
        logger.info('notifications are off (no NOTIFY_URL); not sent');
        return;
      }
      const body = JSON.stringify(notification);
      const headers = signStandardWebhook({
        secret: deps.settings.secret,
        id: notification.id,
        timestampSeconds: Date.now() / 1000,
        body,
      });
      let status: number;
      try {
        const response = await send(deps.settings.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'ingestkit-notify/1', ...headers },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        await response.body?.cancel().catch(() => undefined);
      } catch (err) {
        throw new IngestError('destination_error', `notification POST failed: ${(err as Error).message}`, {
          details: { url: deps.settings.url },
          cause: err,
        });
      }
      if (status >= 200 && status < 300) return;
      if (status === 410) {
        logger.warn({ status }, 'the notification receiver answered 410 Gone; notification dropped');
        return;
      }
      throw new IngestError('destination_error', `the notification receiver answered ${status}`, {
        details: { url: deps.settings.url, status },
      });
    },
  };
}
