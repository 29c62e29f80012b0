// POST /v1/instructions: one counterparty's side of a bilateral trade. Matching happens
// exactly once: in one transaction, under a lock on the trade reference
// (pg_advisory_xact_lock), the side reads the pending sides of its trade and either stays
// pending or inserts the settlement of the matched pair and marks both sides matched. Two
// API processes taking both sides at the same instant are put one after the other by the
// lock, so the second sees the first; a crash anywhere rolls the whole match back: the
// pending side stays pending, and the new side, not stored, runs again on its retry. The
// settlement's workflow then starts as any created settlement's does, from its committed row.
//
// The sides may be two platforms'. A side sees its own platform environment's sides of the
// trade and, in the same environment, another platform's side whose reference Lockstep made
// (unguessable: the counterparty learnt it from that platform). That crosses the tenant
// wall, so the matching transaction runs as the owner with those filters written out; the
// settlement is the first side's platform's, with the second's as its counterparty.

import { randomUUID } from 'node:crypto';
import { getAddress } from 'viem';
import { isUniqueViolation, type Models } from '../../db/client.ts';
import { findLatestTemplate, findTemplate, type StoredTemplate } from '../../db/templates.ts';
import { insertSettlement, onPrisma } from '../../db/settlementWrites.ts';
import type { Tenant, TenantTx } from '../../db/tenant.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { mismatches, type InstructionSide, type Mismatch } from '../../domain/matching.ts';
import { fromBaseUnits } from '../../domain/money.ts';
import type { AuthContext } from '../auth/tokens.ts';
import { conflict } from '../errors.ts';
import type { CreateInstructionRequest, CreateSettlementRequest } from '../schemas.ts';
import { checkLead, checkLegChains, checkParty, invalid, prepareSettlement, requestHashOf, resolveAmounts, sameRequest, type CreateDeps } from '../settlements/create.ts';
import { queueInstructionEvent } from '../../webhooks/outbox.ts';
import { statusOf, type InstructionRow, type StoredLeg, type StoredParty } from './present.ts';

export interface InstructionDeps extends CreateDeps {
  /** How long a side waits for its counterparty at most (INSTRUCTION_TTL_SECONDS). */
  instructionTtlMs: number;
}

/** A settlement made from a trade's instructions carries this idempotency key: one per trade. */
export const settlementKeyOf = (tradeReference: string) => `instruction:${tradeReference}`;

/** Pending, and before its expiry: the only kind that can match or be cancelled. */
export const isOpen = (row: Pick<InstructionRow, 'status' | 'expiresAt'>) => statusOf(row) === 'pending_match';

/** Sides of busy trades queue for the lock and for a connection rather than fail. */
export const TRADE_LOCK_WAIT = { maxWait: 15_000, timeout: 30_000 };

/** Serializes everything that matches or cancels the sides of one trade, across processes. */
export const lockTrade = (tx: TenantTx | Prisma.TransactionClient, tradeReference: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${tradeReference}, 0))`;

/** `db`: the caller's tenant view. */
export async function submitInstruction(deps: InstructionDeps, db: Models, caller: AuthContext, body: CreateInstructionRequest): Promise<{ created: boolean; id: string }> {
  const requestHash = requestHashOf(body);
  const key = idempotencyKeyOf(caller, body);
  const replay = async () => {
    const existing = await earlierSide(db, caller, body, requestHash);
    return existing ? { created: false, id: existing.id } : undefined;
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const { template, ours } = await checkSide(deps, db, caller, body, requestHash);

  let outcome: { settlementId: string | null; replayOf?: string };
  try {
    outcome = await deps.db.$transaction(async (tx) => {
      await lockTrade(tx, ours.tradeReference);
      // The same request may have got here first, while this one waited for the lock.
      const already = sameRequest(await tx.instruction.findUnique({ where: { platformId_environment_idempotencyKey: key } }), body.idempotency_key, requestHash);
      if (already) return { settlementId: null, replayOf: already.id };
      const { compared, match } = await compareSides(tx, caller, template, ours);
      if (!match) {
        await tx.instruction.create({ data: { ...ours, status: 'pending_match', mismatches: (compared[0]?.found ?? []) as unknown as Prisma.InputJsonArray } });
        return { settlementId: null };
      }
      const first = asSide(match.side);
      const request = settlementRequestOf(first, ours);
      const resolved = first.legs.map((l) => ({ instrument: { address: getAddress(l.token), decimals: l.decimals, symbol: null }, amount: BigInt(l.amount) }));
      const opener = { platformId: first.platformId, environment: first.environment, clientId: first.createdBy };
      // Through the transaction: a second connection per waiting match would drain the pool.
      const settlement = await prepareSettlement(deps, tx, opener, request, requestHashOf(request), resolved);
      const crossPlatform = first.platformId !== caller.platformId;
      const inserted = await insertSettlement(onPrisma(tx), {
        ...settlement,
        ...(crossPlatform ? { settlementType: 'cross_platform', counterpartyPlatformId: caller.platformId, counterpartyEnvironment: caller.environment } : {}),
        parties: settlement.parties.map((p) => ({ ...p, platformId: p.role === ours.role ? caller.platformId : first.platformId })),
      });
      // The trade's settlement key is a second guard beside the lock and the matched status.
      if (!inserted) throw alreadyMatched(ours.tradeReference);
      const matched = [
        await tx.instruction.create({ data: { ...ours, status: 'matched', settlementId: settlement.id } }),
        await tx.instruction.update({ where: { id: match.side.id }, data: { status: 'matched', settlementId: settlement.id } }),
      ];
      for (const side of matched) await queueInstructionEvent(tx, side, 'instruction.matched');
      return { settlementId: settlement.id };
    }, TRADE_LOCK_WAIT);
  } catch (err) {
    // A concurrent request with the same key won the insert: answer as its replay.
    if (isUniqueViolation(err)) {
      const winner = await replay();
      if (winner) return winner;
    }
    throw err;
  }
  if (outcome.replayOf) return { created: false, id: outcome.replayOf };
  if (outcome.settlementId) deps.starts.wake();
  return { created: true, id: ours.id };
}

const idempotencyKeyOf = (caller: Tenant, body: CreateInstructionRequest) => ({ platformId: caller.platformId, environment: caller.environment, idempotencyKey: body.idempotency_key });

const alreadyMatched = (tradeReference: string) => conflict('trade_already_matched', `Trade ${tradeReference} is already matched`);

/** The caller's earlier side with this idempotency_key and this body (a repeat), or none; the key with another body is a 409. */
export async function earlierSide(db: Models, caller: Tenant, body: CreateInstructionRequest, requestHash = requestHashOf(body)) {
  return sameRequest(await db.instruction.findUnique({ where: { platformId_environment_idempotencyKey: idempotencyKeyOf(caller, body) } }), body.idempotency_key, requestHash);
}

/** A side's request checked as a submit checks it (every 422 is here), and the row it would be. `db`: the caller's tenant view. */
export async function checkSide(deps: InstructionDeps, db: Models, caller: AuthContext, body: CreateInstructionRequest, requestHash = requestHashOf(body)) {
  const template = await findLatestTemplate(db, caller, body.template_slug);
  if (!template) return invalid(['template_slug'], `no template "${body.template_slug}" exists`, 'not_found');
  checkParty(deps, template, body.party, ['party']);
  checkLegChains(deps, body.legs);
  const chainId = deps.chain.chainId;
  const timeoutAt = new Date(body.timeout_at);
  checkLead(deps, timeoutAt);
  const amounts = await resolveAmounts(deps, db, body.legs);
  const legs: StoredLeg[] = body.legs.map((l, i) => {
    const { instrument, amount } = amounts[i]!;
    return {
      leg_type: l.leg_type,
      instrument_id: l.instrument_id,
      chain_id: chainId,
      token_standard: l.token_standard ?? null,
      quantity: fromBaseUnits(amount, instrument.decimals),
      direction: l.direction,
      token: instrument.address.toLowerCase(),
      decimals: instrument.decimals,
      amount: amount.toString(),
    };
  });
  const { name, chain_id: _, ...rest } = body.party;
  const party: StoredParty = { ...rest, name: name ?? null, wallet_address: body.party.wallet_address.toLowerCase(), chain_id: chainId };
  const now = new Date();
  const ours = {
    id: randomUUID(),
    platformId: caller.platformId,
    environment: caller.environment,
    idempotencyKey: body.idempotency_key,
    requestHash,
    tradeReference: body.trade_reference ?? `KS-${randomUUID()}`,
    referenceAssigned: body.trade_reference === undefined,
    templateSlug: body.template_slug,
    role: body.role,
    party,
    legs,
    timeoutAt,
    // A side that could no longer make a settlement in time (timeout_at within the minimum lead) is already over.
    expiresAt: new Date(Math.min(timeoutAt.getTime() - deps.minLeadMs, now.getTime() + deps.instructionTtlMs)),
    createdBy: caller.clientId,
  };
  return { template, ours };
}

/**
 * The trade's pending sides the caller may match, each with its mismatches against ours, and the
 * first that matches (none: ours would stay pending, with the first's mismatches). A trade already
 * matched is a 409. `db`: the owner's (the sides may be another platform's), filtered by visibleSides.
 */
export async function compareSides(db: Models, caller: Tenant, template: StoredTemplate, ours: Side) {
  const sides = await db.instruction.findMany({ where: { AND: [{ tradeReference: ours.tradeReference }, visibleSides(caller)] }, orderBy: { createdAt: 'asc' } });
  if (sides.some((s) => s.status === 'matched')) throw alreadyMatched(ours.tradeReference);
  const compared = await Promise.all(
    sides.filter((s) => isOpen(s)).map(async (s) => ({ side: s, found: [...mismatches(sideOf(ours), sideOf(asSide(s)), template.config.required_roles), ...(await templateMismatch(db, template, s))] })),
  );
  return { compared, match: compared.find((c) => !c.found.length) };
}

/** The sides of a trade a caller may match: its own environment's, and another platform's whose reference Lockstep made. */
function visibleSides(caller: Tenant): Prisma.InstructionWhereInput {
  return { environment: caller.environment, OR: [{ platformId: caller.platformId }, { referenceAssigned: true }] };
}

/** Two platforms may each have their own template of a slug: their sides agree on the slug, yet not on the rules. */
async function templateMismatch(db: Models, ours: StoredTemplate, side: InstructionRow): Promise<Mismatch[]> {
  if (side.templateSlug !== ours.slug) return []; // the slug's own rule says so
  if ((await findTemplate(db, side, side.templateSlug))?.id === ours.id) return [];
  return [{ field: 'template_slug', ours: side.templateSlug, theirs: side.templateSlug, reason: "each platform has its own template of this slug; a trade between platforms needs one both share (a built-in template)" }];
}

export interface Side {
  platformId: string;
  environment: string;
  createdBy: string;
  tradeReference: string;
  templateSlug: string;
  role: string;
  party: StoredParty;
  legs: StoredLeg[];
  timeoutAt: Date;
}

export const asSide = (row: InstructionRow): Side => ({ ...row, party: row.party as unknown as StoredParty, legs: row.legs as unknown as StoredLeg[] });

function sideOf(s: Side): InstructionSide {
  return {
    templateSlug: s.templateSlug,
    role: s.role,
    legs: s.legs.map((l) => ({ legType: l.leg_type, instrumentId: l.instrument_id, token: l.token, chainId: l.chain_id, quantity: l.quantity, amount: BigInt(l.amount), direction: l.direction })),
  };
}

/** The settlement both sides agreed on: their parties, the first side's legs (the second's say the same), the earlier deadline. */
export function settlementRequestOf(first: Side, second: Side): CreateSettlementRequest {
  type PartyRequest = CreateSettlementRequest['parties'][number];
  const partyOf = ({ role, party }: Side): PartyRequest => ({
    role,
    external_reference: party.external_reference,
    name: party.name ?? undefined,
    wallet_address: party.wallet_address,
    chain_id: party.chain_id,
    entity_type: party.entity_type as PartyRequest['entity_type'],
    country: party.country,
    date_of_birth: party.date_of_birth,
  });
  return {
    idempotency_key: settlementKeyOf(first.tradeReference),
    template_id: undefined,
    template_slug: first.templateSlug,
    external_reference: first.tradeReference,
    timeout_at: new Date(Math.min(first.timeoutAt.getTime(), second.timeoutAt.getTime())).toISOString(),
    parties: [partyOf(first), partyOf(second)],
    legs: first.legs.map((l) => ({
      leg_type: l.leg_type as CreateSettlementRequest['legs'][number]['leg_type'],
      instrument_id: l.instrument_id,
      quantity: l.quantity,
      direction: l.direction,
      party_role: first.role,
      chain_id: l.chain_id,
      token_standard: (l.token_standard ?? undefined) as CreateSettlementRequest['legs'][number]['token_standard'],
      external_reference: undefined,
    })),
  };
}
