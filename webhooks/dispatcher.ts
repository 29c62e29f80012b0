// Sends queued webhook deliveries. Any number of dispatchers may run: each claims due
// deliveries with FOR UPDATE SKIP LOCKED and a lease (locked_until), so a crashed one's
// claims lapse and another takes them. Per endpoint, a settlement's deliveries go out in the
// order its events happened: one is due only when no earlier one of the same settlement and
// endpoint is still pending. A failed attempt is retried on a schedule with jitter; after a
// run of failures the endpoint is marked failing (and still delivered to); when the schedule
// ends the delivery is failed, and an API call can send it again.

import type { Logger } from '../config/logger.ts';
import type { Db } from '../db/client.ts';
import { postWebhook, type DeliveryLimits } from './deliver.ts';
import { openSecret } from '../db/secretBox.ts';
import { signatureHeaders } from './signing.ts';
import type { UrlPolicy } from './urlGuard.ts';

export interface DispatcherOptions {
  db: Db;
  log: Logger;
  secretKey: Buffer;
  /** Seconds to wait after each failed attempt; its length is the number of retries. */
  retrySchedule: number[];
  /** Consecutive failed attempts after which an endpoint is marked failing. */
  failingAfter: number;
  policyFor(environment: string): UrlPolicy;
  timeoutMs: number;
  maxResponseBytes: number;
  concurrency: number;
  pollMs: number;
}

/** ±20%, so that receivers coming back up are not hit by every retry at once. */
const jitter = (seconds: number) => seconds * 1000 * (0.8 + Math.random() * 0.4);

export class Dispatcher {
  constructor(private readonly o: DispatcherOptions) {}

  /** Claims up to `concurrency` due deliveries for `leaseMs`; returns their ids. */
  private async claim(): Promise<string[]> {
    const leaseMs = this.o.timeoutMs + 30_000;
    const rows = await this.o.db.$queryRaw<{ id: string }[]>`
      UPDATE webhook_deliveries SET locked_until = now() + make_interval(secs => ${leaseMs / 1000})
      WHERE id IN (
        SELECT d.id FROM webhook_deliveries d
        JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          AND (d.locked_until IS NULL OR d.locked_until < now())
          AND e.status <> 'paused'
          AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries earlier
            WHERE earlier.endpoint_id = d.endpoint_id AND earlier.settlement_id = d.settlement_id
              AND earlier.status = 'pending' AND earlier.event_seq < d.event_seq)
        ORDER BY d.next_attempt_at
        LIMIT ${this.o.concurrency}
        FOR UPDATE OF d SKIP LOCKED)
      RETURNING id`;
    return rows.map((r) => r.id);
  }

  private async attempt(deliveryId: string): Promise<void> {
    const { db } = this.o;
    const d = await db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true, event: true } });
    if (!d || d.status !== 'pending') return;
    const { endpoint, event } = d;
    const overlap = endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date();
    const secrets = [endpoint.secretCiphertext, ...(overlap ? [endpoint.previousSecretCiphertext!] : [])].map((s) => openSecret(this.o.secretKey, s));
    const body = JSON.stringify(event.body);
    // webhook-id is the event's id: the same on every retry, so a receiver can drop repeats.
    const headers = signatureHeaders({ id: event.id, timestamp: Math.floor(Date.now() / 1000), body }, secrets);
    const limits: DeliveryLimits = { policy: this.o.policyFor(endpoint.environment), timeoutMs: this.o.timeoutMs, maxResponseBytes: this.o.maxResponseBytes };
    const result = await postWebhook(endpoint.url, headers, body, limits);

    const number = d.attemptCount + 1;
    const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const retryIn = this.o.retrySchedule[number - 1];
    const error = result.error ?? (ok ? null : `HTTP ${result.statusCode}`);
    await db.$transaction([
      db.webhookAttempt.create({ data: { deliveryId, number, statusCode: result.statusCode ?? null, error, latencyMs: result.latencyMs } }),
      db.webhookDelivery.update({
        where: { id: deliveryId },
        data: {
          attemptCount: number,
          lockedUntil: null,
          ...(ok
            ? { status: 'delivered', deliveredAt: new Date() }
            : retryIn === undefined
              ? { status: 'failed' }
              : { nextAttemptAt: new Date(Date.now() + jitter(retryIn)) }),
        },
      }),
      ...(ok
        ? [
            db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: 0 } }),
            db.webhookEndpoint.updateMany({ where: { id: endpoint.id, status: 'failing' }, data: { status: 'active' } }),
          ]
        : [
            db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: { increment: 1 } } }),
            db.webhookEndpoint.updateMany({
              where: { id: endpoint.id, status: 'active', consecutiveFailures: { gte: this.o.failingAfter } },
              data: { status: 'failing' },
            }),
          ]),
    ]);
    const fields = { delivery: deliveryId, endpoint: endpoint.id, event: event.type, attempt: number, status: result.statusCode, latencyMs: result.latencyMs };
    if (ok) this.o.log.info('webhook delivered', fields);
    else this.o.log.warn('webhook attempt failed', { ...fields, error, retryInSeconds: retryIn ?? null });
  }

  /** Claims and sends until `signal` aborts; in-flight attempts finish first. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let claimed: string[] = [];
      try {
        claimed = await this.claim();
        await Promise.all(
          claimed.map((id) => this.attempt(id).catch((err: Error) => this.o.log.error('webhook attempt crashed; its lease will lapse', { delivery: id, error: err.message }))),
        );
      } catch (err) {
        this.o.log.error('webhook dispatch failed', { error: (err as Error).message });
      }
      if (!claimed.length) await new Promise((resolve) => setTimeout(resolve, this.o.pollMs));
    }
  }
}
