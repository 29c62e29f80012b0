// /v1/platforms/me/webhooks: a platform environment's webhook endpoints, their secrets
// (shown once), test pings, rotation with a 24-hour overlap, and delivery logs with resend.

import type { Db, Models } from '../../db/client.ts';
import { asTenant, withTenant, type Tenant } from '../../db/tenant.ts';
import { isUuid } from '../../domain/ids.ts';
import { queueTestPing, requeueEvent } from '../../webhooks/outbox.ts';
import { sealSecret } from '../../db/secretBox.ts';
import { newSecret } from '../../webhooks/secrets.ts';
import type { UrlPolicy } from '../../webhooks/urlGuard.ts';
import { createEndpoint, safeWebhookUrl } from '../webhookEndpoints.ts';
import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import { notFound } from '../errors.ts';
import { createWebhookSchema, deliveryListQuery, eventFeedQuery, pageQuery, updateWebhookSchema } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { page, presentPage } from '../../db/page.ts';
import { readEventFeed } from '../../db/eventFeed.ts';

export interface WebhookDeps {
  db: Db;
  webhooks: {
    secretKey: Buffer;
    policyFor(environment: string): UrlPolicy;
    /** How long a test ping waits for the dispatcher's attempt: its own timeout and a poll's worth more. */
    testWaitMs: number;
  };
}

const ROTATION_OVERLAP_MS = 24 * 3600_000;
type EndpointRow = NonNullable<Awaited<ReturnType<Db['webhookEndpoint']['findFirst']>>>;

const present = (e: EndpointRow) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events,
  // KeyStone's switch: a failing endpoint is still delivered to, so still active.
  is_active: e.status !== 'paused',
  status: e.status,
  consecutive_failures: e.consecutiveFailures,
  previous_secret_valid_until: e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date() ? e.previousSecretExpiresAt.toISOString() : null,
  created_at: e.createdAt.toISOString(),
  updated_at: e.updatedAt.toISOString(),
});

export function webhookRoutes(deps: WebhookDeps) {
  async function requireEndpoint(db: Models, caller: Tenant, id: string): Promise<EndpointRow> {
    const found = isUuid(id) ? await db.webhookEndpoint.findFirst({ where: { id, platformId: caller.platformId, environment: caller.environment } }) : null;
    if (!found) throw notFound(`Webhook endpoint ${id}`);
    return found;
  }

  const safeUrl = (url: string, environment: string) => safeWebhookUrl(deps.webhooks, url, environment);

  return {
    'POST /v1/platforms/me/webhooks': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      const body = parseOr422(createWebhookSchema, req.body ?? {}, 'body');
      const url = await safeUrl(body.url, caller.environment);
      const { endpoint, secret } = await createEndpoint(db, deps.webhooks, { ...caller, createdBy: caller.clientId }, { ...body, url });
      // The secret is in this answer only: no cache keeps it.
      res.status(201).set('Cache-Control', 'no-store').json({ ...present(endpoint), secret });
    },
    'GET /v1/platforms/me/webhooks': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      const q = parseOr422(pageQuery, req.query, 'query');
      const where = { platformId: caller.platformId, environment: caller.environment };
      const found = await page(q, (slice) => db.webhookEndpoint.findMany({ where, orderBy: { createdAt: 'desc' }, ...slice }), () => db.webhookEndpoint.count({ where }));
      res.json(presentPage(found, present));
    },
    'GET /v1/platforms/me/webhooks/{id}': async (req, res) => {
      res.json(present(await requireEndpoint(tenantDbOf(req), callerOf(req), String(req.params.id))));
    },
    'PATCH /v1/platforms/me/webhooks/{id}': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      const endpoint = await requireEndpoint(db, caller, String(req.params.id));
      const body = parseOr422(updateWebhookSchema, req.body ?? {}, 'body');
      const updated = await db.webhookEndpoint.update({
        where: { id: endpoint.id },
        data: {
          ...(body.url !== undefined ? { url: await safeUrl(body.url, caller.environment) } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.events !== undefined ? { events: [...new Set(body.events)] } : {}),
          // Resuming starts afresh: a paused endpoint's failure count says nothing about it now.
          ...(body.status !== undefined ? { status: body.status, consecutiveFailures: 0 } : {}),
        },
      });
      res.json(present(updated));
    },
    'DELETE /v1/platforms/me/webhooks/{id}': async (req, res) => {
      const db = tenantDbOf(req);
      const endpoint = await requireEndpoint(db, callerOf(req), String(req.params.id));
      // Its pending deliveries and logs go with it.
      await db.webhookEndpoint.delete({ where: { id: endpoint.id } });
      res.status(204).end();
    },
    // KeyStone answers a test with its outcome: the ping is queued like any event, and the answer
    // waits for the dispatcher's first attempt, so it is signed and guarded as every delivery is.
    'POST /v1/platforms/me/webhooks/{id}/test': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      const endpoint = await requireEndpoint(db, caller, String(req.params.id));
      const { eventId, deliveryIds } = await withTenant(deps.db, caller, (tx) => queueTestPing(tx, endpoint));
      const queued = { event_id: eventId, delivery_id: deliveryIds[0]! };
      if (endpoint.status === 'paused') {
        res.json({ ...queued, success: false, status_code: null, duration_ms: null, error: 'the endpoint is paused (is_active false): the ping goes out when it is resumed' });
        return;
      }
      const attempt = await firstAttempt(db, queued.delivery_id, deps.webhooks.testWaitMs);
      res.json({
        ...queued,
        success: attempt ? attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300 : false,
        status_code: attempt?.statusCode ?? null,
        duration_ms: attempt?.latencyMs ?? null,
        error: attempt ? attempt.error : `the ping was not attempted within ${deps.webhooks.testWaitMs / 1000} s (is a webhook dispatcher running?); it stays queued`,
      });
    },
    'POST /v1/platforms/me/webhooks/{id}/rotate-secret': async (req, res) => {
      const db = tenantDbOf(req);
      const endpoint = await requireEndpoint(db, callerOf(req), String(req.params.id));
      const secret = newSecret();
      const validUntil = new Date(Date.now() + ROTATION_OVERLAP_MS);
      await db.webhookEndpoint.update({
        where: { id: endpoint.id },
        data: { secretCiphertext: sealSecret(deps.webhooks.secretKey, secret), previousSecretCiphertext: endpoint.secretCiphertext, previousSecretExpiresAt: validUntil },
      });
      res.set('Cache-Control', 'no-store').json({ new_secret: secret, previous_secret_valid_until: validUntil.toISOString() });
    },
    'GET /v1/platforms/me/webhooks/{id}/deliveries': async (req, res) => {
      const db = tenantDbOf(req);
      const endpoint = await requireEndpoint(db, callerOf(req), String(req.params.id));
      const q = parseOr422(deliveryListQuery, req.query, 'query');
      const where = { endpointId: endpoint.id, ...(q.status ? { status: q.status } : {}) };
      const deliveries = await page(
        q,
        (slice) =>
          db.webhookDelivery.findMany({
            where,
            include: { event: { select: { type: true } }, attempts: { orderBy: { number: 'asc' } } },
            orderBy: [{ createdAt: 'desc' }, { eventSeq: 'desc' }],
            ...slice,
          }),
        () => db.webhookDelivery.count({ where }),
      );
      res.json(
        presentPage(deliveries, (d) => ({
          id: d.id,
          endpoint_id: d.endpointId,
          event_id: d.eventId,
          event: d.event.type,
          // KeyStone's view of a delivery: its outcome and its latest attempt.
          success: d.status === 'delivered',
          response_status: d.attempts.at(-1)?.statusCode ?? null,
          duration_ms: d.attempts.at(-1)?.latencyMs ?? null,
          error: d.attempts.at(-1)?.error ?? null,
          settlement_id: d.settlementId,
          status: d.status,
          attempt_count: d.attemptCount,
          next_attempt_at: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
          delivered_at: d.deliveredAt?.toISOString() ?? null,
          created_at: d.createdAt.toISOString(),
          attempts: d.attempts.map((a) => ({ number: a.number, status_code: a.statusCode, latency_ms: a.latencyMs, error: a.error, at: a.createdAt.toISOString() })),
        })),
      );
    },
    'POST /v1/platforms/me/webhooks/{id}/deliveries/{deliveryId}/resend': async (req, res) => {
      const db = tenantDbOf(req);
      const endpoint = await requireEndpoint(db, callerOf(req), String(req.params.id));
      const deliveryId = String(req.params.deliveryId);
      const past = isUuid(deliveryId) ? await db.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId: endpoint.id }, include: { event: true } }) : null;
      if (!past) throw notFound(`Delivery ${deliveryId}`);
      res.status(202).json({ event_id: past.eventId, delivery_id: await requeueEvent(db, past.event, endpoint.id) });
    },
    // What `lockstep listen` forwards: this environment's events as receivers get them. Without
    // `after`, the answer is empty with the cursor of now, so a listener starts at now.
    'GET /v1/platforms/me/events': async (req, res) => {
      const caller = callerOf(req);
      const q = parseOr422(eventFeedQuery, req.query, 'query');
      res.json(await asTenant(deps.db, caller, (client) => readEventFeed(client, caller, q)));
    },
  } satisfies RouteHandlers;
}

async function firstAttempt(db: Models, deliveryId: string, waitMs: number) {
  const deadline = Date.now() + waitMs;
  // Quick at first, when the answer usually comes, then gentler on the database.
  for (let pause = 100; ; pause = Math.min(1000, pause * 2)) {
    const attempt = await db.webhookAttempt.findFirst({ where: { deliveryId }, orderBy: { number: 'asc' } });
    if (attempt || Date.now() > deadline) return attempt;
    await new Promise((r) => setTimeout(r, pause));
  }
}
