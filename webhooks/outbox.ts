// Webhook events enter the database in the same transaction as what caused them (a
// transition's, in the same statement: db/transitionWrites.ts), with one delivery per subscribed
// endpoint: a committed transition always has its events queued, and a rolled-back one never
// does. The dispatcher (webhooks/dispatcher.ts) sends them later, so a slow or dead receiver
// never touches a settlement.

import { randomUUID } from 'node:crypto';
import type { Models } from '../db/client.ts';
import type { Tenant } from '../db/tenant.ts';
import type { TransitionWebhookEvent } from '../db/transitionWrites.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { envelope, eventNamesFor, TEST_EVENT, wants, type InstructionEvent, type InstructionEventData, type SettlementEventData, type TransitionFacts } from './events.ts';

type Tx = Prisma.TransactionClient;

interface EventScope {
  platformId: string;
  environment: string;
  settlementId: string | null;
}

async function queueEvent(tx: Tx, scope: EventScope, name: string, data: object, endpoints: { id: string }[]): Promise<{ eventId: string; deliveryIds: string[] }> {
  const id = randomUUID();
  const event = await tx.webhookEvent.create({ data: { id, ...scope, type: name, body: envelope(id, name, data) } });
  const deliveries = endpoints.map((e) => ({ id: randomUUID(), endpointId: e.id, eventId: id, eventSeq: event.seq, settlementId: scope.settlementId }));
  if (deliveries.length) await tx.webhookDelivery.createMany({ data: deliveries });
  return { eventId: id, deliveryIds: deliveries.map((d) => d.id) };
}

/** A tenant's endpoints, with what each subscribes to. */
const endpointsOf = (tx: Tx, tenant: Tenant) =>
  tx.webhookEndpoint.findMany({ where: { platformId: tenant.platformId, environment: tenant.environment }, select: { id: true, events: true } });

/**
 * The webhook events of a transition, for each platform environment the settlement is of, each
 * with the ids of that environment's endpoints that want it (`endpoints`: the endpoints of both).
 * Written with the transition's event in one statement (activities/records.ts).
 */
export function transitionEvents(
  settlement: { id: string; platformId: string; environment: string; counterpartyPlatformId: string | null; counterpartyEnvironment: string | null; settlementType: string },
  t: TransitionFacts & { createdAt: Date },
  endpoints: (Tenant & { id: string; events: string[] })[],
): TransitionWebhookEvent[] {
  const names = eventNamesFor(t);
  const tenants: Tenant[] = [settlement];
  if (settlement.counterpartyPlatformId) tenants.push({ platformId: settlement.counterpartyPlatformId, environment: settlement.counterpartyEnvironment! });
  const data: SettlementEventData = {
    settlement_id: settlement.id,
    state: t.toState,
    previous_state: t.fromState,
    settlement_type: settlement.settlementType,
    timestamp: t.createdAt.toISOString(),
  };
  return tenants.flatMap((tenant) => {
    const own = endpoints.filter((e) => e.platformId === tenant.platformId && e.environment === tenant.environment);
    return names.map((name) => {
      const id = randomUUID();
      return {
        id,
        platformId: tenant.platformId,
        environment: tenant.environment,
        settlementId: settlement.id,
        type: name,
        body: envelope(id, name, data),
        createdAt: t.createdAt,
        endpointIds: own.filter((e) => wants(e.events, name)).map((e) => e.id),
      };
    });
  });
}

/** Queues what just happened to an instruction, in the transaction `tx` that did it, for its own platform's endpoints. */
export async function queueInstructionEvent(
  tx: Tx,
  instruction: Tenant & { id: string; tradeReference: string; status: string; settlementId: string | null; updatedAt: Date },
  name: InstructionEvent,
): Promise<void> {
  // Not a settlement's event: it does not wait its turn behind the settlement's own.
  const scope = { platformId: instruction.platformId, environment: instruction.environment, settlementId: null };
  const data: InstructionEventData = {
    instruction_id: instruction.id,
    trade_reference: instruction.tradeReference,
    status: instruction.status,
    settlement_id: instruction.settlementId,
    timestamp: instruction.updatedAt.toISOString(),
  };
  await queueEvent(tx, scope, name, data, (await endpointsOf(tx, instruction)).filter((e) => wants(e.events, name)));
}

/** A test.ping for one endpoint, whatever it subscribes to; the event and its delivery in one transaction, `tx`. */
export async function queueTestPing(tx: Tx, endpoint: Tenant & { id: string }) {
  const scope = { platformId: endpoint.platformId, environment: endpoint.environment, settlementId: null };
  return queueEvent(tx, scope, TEST_EVENT, { endpoint_id: endpoint.id, timestamp: new Date().toISOString() }, [endpoint]);
}

/** Sends a past event to one endpoint again, as a new delivery with a fresh schedule. */
export async function requeueEvent(db: Models, event: { id: string; seq: bigint; settlementId: string | null }, endpointId: string): Promise<string> {
  const delivery = await db.webhookDelivery.create({ data: { endpointId, eventId: event.id, eventSeq: event.seq, settlementId: event.settlementId } });
  return delivery.id;
}
