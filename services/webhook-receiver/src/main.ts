import { runService } from '@ingestkit/runtime';
import { loadWebhookReceiverConfig } from './config';
import { startWebhookReceiver } from './start';

/** Production entry point: the webhook endpoint and its `imagekit.event` worker; scale by adding processes. */
runService({ name: 'webhook-receiver', loadConfig: loadWebhookReceiverConfig, start: startWebhookReceiver });
