import { randomUUID } from 'node:crypto';
import { signLegacyWebhook, signStandardWebhook } from './signatures';
import { type WebhookRetryOptions } from './types';

/** A webhook event envelope as ImageKit sends it. */
export interface WebhookEvent {
  id: string;
  type: string;
  created_at: string;
  data: unknown;
}

/** One delivery attempt, recorded for inspection by tests. */
export interface WebhookDelivery {
  eventId: string;
  type: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The response status, absent when the request failed or timed out. */
  status?: number;
  error?: string;
  /** Whether the endpoint acknowledged with a 2xx. */
  ok: boolean;
  at: Date;
}

/** Where and how a dispatcher delivers. */
export interface WebhookDispatcherOptions {
  url: string;
  secret: string;
  /** Event types to deliver; all when omitted. */
  events?: readonly string[];
  retry?: WebhookRetryOptions;
}

const DEFAULT_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000];

/**
 * Delivers events by POSTing JSON signed with both ImageKit schemes (`x-ik-signature` and the
 * Standard Webhooks headers), re-signing with a fresh timestamp per attempt. Non-2xx responses,
 * network errors and timeouts are retried on the configured schedule with the same event id.
 * Retry timers are unref'd, and `close()` cancels them and aborts requests in flight.
 */
export class WebhookDispatcher {
  private readonly attempts: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly options: WebhookDispatcherOptions) {}

  /** Builds an event with a fresh UUID and schedules its delivery (unless filtered out). */
  emit(type: string, data: unknown): WebhookEvent | undefined {
    if (this.closed || (this.options.events && !this.options.events.includes(type))) return undefined;
    const event: WebhookEvent = { id: randomUUID(), type, created_at: new Date().toISOString(), data };
    void this.attempt(event, 1);
    return event;
  }

  /** Every attempt so far, in order. */
  deliveries(): WebhookDelivery[] {
    return [...this.attempts];
  }

  /** Cancels pending retries and aborts deliveries in flight. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private async attempt(event: WebhookEvent, attempt: number): Promise<void> {
    const body = JSON.stringify(event);
    const now = Date.now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'ImageKit-Emulator-Webhook/1.0',
      'x-ik-signature': signLegacyWebhook(this.options.secret, body, now),
      ...signStandardWebhook(this.options.secret, event.id, body, Math.floor(now / 1000)),
    };
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.options.retry?.timeoutMs ?? 30_000);
    timeout.unref();
    this.inFlight.add(controller);
    const record: WebhookDelivery = { eventId: event.id, type: event.type, attempt, ok: false, at: new Date(now) };
    try {
      const response = await fetch(this.options.url, { method: 'POST', headers, body, signal: controller.signal });
      await response.arrayBuffer().catch(() => undefined);
      record.status = response.status;
      record.ok = response.status >= 200 && response.status < 300;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    this.attempts.push(record);
    if (!record.ok) this.scheduleRetry(event, attempt);
  }

  private scheduleRetry(event: WebhookEvent, attempt: number): void {
    const delay = (this.options.retry?.delaysMs ?? DEFAULT_DELAYS_MS)[attempt - 1];
    if (delay === undefined || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(event, attempt + 1);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}
