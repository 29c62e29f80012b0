// A settlement's transition in two round trips: one read of what recording it needs, then one
// call of the database function lockstep_record_transition (its migration says what it writes).
// The read needs no transaction: the settlement's parties to a webhook and the previous trail
// event never change once written, and the function skips an endpoint removed meanwhile.

import type { Db } from './client.ts';
import type { TrailEvent } from './auditTrail.ts';
import type { Tenant } from './tenant.ts';

export interface TransitionContext {
  settlement: {
    id: string;
    platformId: string;
    environment: string;
    counterpartyPlatformId: string | null;
    counterpartyEnvironment: string | null;
    settlementType: string;
  };
  /** Whether the trail has the event before this one, and its hash (null only before the chain existed). */
  previous: { found: boolean; contentHash: string | null };
  /** The webhook endpoints of the settlement's platform environments. */
  endpoints: (Tenant & { id: string; events: string[] })[];
}

/** A webhook event a transition raises (webhooks/outbox.ts makes them), with the endpoints subscribed to it. */
export interface TransitionWebhookEvent extends Tenant {
  id: string;
  settlementId: string;
  type: string;
  body: object;
  createdAt: Date;
  endpointIds: string[];
}

/** What recording the transition at `sequence` needs; null when the settlement is not there. */
export async function transitionContext(db: Db, settlementId: string, sequence: number): Promise<TransitionContext | null> {
  const [row] = await db.$queryRaw<(TransitionContext['settlement'] & Pick<TransitionContext, 'endpoints'> & { previousFound: boolean; previousHash: string | null })[]>`
    SELECT s.id::text, s.platform_id::text AS "platformId", s.environment,
      s.counterparty_platform_id::text AS "counterpartyPlatformId", s.counterparty_environment AS "counterpartyEnvironment",
      s.settlement_type AS "settlementType",
      p.content_hash AS "previousHash", p.settlement_id IS NOT NULL AS "previousFound",
      COALESCE((SELECT jsonb_agg(jsonb_build_object('id', e.id, 'platformId', e.platform_id, 'environment', e.environment, 'events', e.events))
        FROM webhook_endpoints e
        WHERE (e.platform_id = s.platform_id AND e.environment = s.environment)
          OR (e.platform_id = s.counterparty_platform_id AND e.environment = s.counterparty_environment)), '[]'::jsonb) AS endpoints
    FROM settlements s
    LEFT JOIN settlement_events p ON p.settlement_id = s.id AND p.sequence = ${sequence - 1}::int
    WHERE s.id = ${settlementId}::uuid`;
  if (!row) return null;
  const { previousFound, previousHash, endpoints, ...settlement } = row;
  return { settlement, previous: { found: previousFound, contentHash: previousHash }, endpoints };
}

/** The event as it is already stored at its sequence, when it was (a retry, or a divergence). */
export type StoredTransition = Pick<TrailEvent, 'fromState' | 'toState' | 'triggeredBy' | 'payload'>;

/**
 * Writes the event (with its hash), its webhook events and the settlement's new state, all or
 * nothing; null when written, or the event already at that sequence, and nothing written.
 */
export async function writeTransition(
  db: Db,
  event: TrailEvent & { contentHash: string },
  failureReason: string | null,
  webhookEvents: TransitionWebhookEvent[],
): Promise<StoredTransition | null> {
  const row = {
    event: {
      settlement_id: event.settlementId,
      sequence: event.sequence,
      from_state: event.fromState,
      to_state: event.toState,
      triggered_by: event.triggeredBy,
      payload: event.payload,
      content_hash: event.contentHash,
      created_at: event.createdAt,
    },
    failure_reason: failureReason,
    webhook_events: webhookEvents.map((w) => ({ id: w.id, platform_id: w.platformId, environment: w.environment, settlement_id: w.settlementId, type: w.type, body: w.body, created_at: w.createdAt })),
    deliveries: webhookEvents.flatMap((w) => w.endpointIds.map((endpoint_id) => ({ event_id: w.id, endpoint_id }))),
  };
  const [answer] = await db.$queryRaw<{ stored: { from_state: string | null; to_state: string; triggered_by: string; payload: unknown } | null }[]>`
    SELECT lockstep_record_transition(${JSON.stringify(row)}::jsonb) AS stored`;
  const stored = answer!.stored;
  return stored && { fromState: stored.from_state, toState: stored.to_state, triggeredBy: stored.triggered_by, payload: stored.payload };
}
