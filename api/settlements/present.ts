// The settlement as the API shows it (KeyStone's shape plus Lockstep's escrow
// details and, while deposits are awaited, ready-to-send deposit transactions), as one
// platform environment sees it: of a cross-platform settlement, the other platform's party
// only as KeyStone shows a counterparty (role, a hint of its wallet, the shared reference),
// and deposit transactions only for the viewer's own parties.

import { getAddress, type Hex } from 'viem';
import type { Chain } from '../../chain/client.ts';
import { depositCalls, legTerms, type EscrowLegTerms } from '../../chain/escrow.ts';
import type { Db } from '../../db/client.ts';
import type { Tenant } from '../../db/tenant.ts';
import { isUuid } from '../../domain/ids.ts';
import { notFound } from '../errors.ts';
import type { ListSettlementsQuery } from '../schemas.ts';
import { findTemplateVersion } from '../../db/templates.ts';
import { actionFor, isTerminal, type TemplateConfig } from '../../domain/template.ts';
import { environmentIdOf, legIdOf, partyIdOf } from '../derivedIds.ts';
import { workflowIdFor } from '../../workflows/names.ts';
import { readSettlements, type SettlementRow } from '../../db/settlementReads.ts';
import { settlementWhere, type SettlementScope } from './scope.ts';


export interface PresentDeps {
  db: Db;
  chain: Chain;
  temporalUiUrl: string;
  namespace: string;
}

/** The caller's settlement with this id, if any; an id that is no UUID simply finds nothing. */
export async function findSettlement(db: Db, scope: SettlementScope, id: string): Promise<SettlementRow | null> {
  if (!isUuid(id)) return null;
  return (await readSettlements(db, scope, { id, limit: 1, offset: 0 })).rows[0] ?? null;
}

/** The same, or 404: another platform's settlement and a malformed id look the same, not found. */
export async function requireSettlement(db: Db, scope: SettlementScope, id: string): Promise<SettlementRow> {
  const settlement = await findSettlement(db, scope, id);
  if (!settlement) throw notFound(`Settlement ${id}`);
  return settlement;
}

export async function listSettlements(db: Db, scope: SettlementScope, q: ListSettlementsQuery) {
  const { rows, total } = await readSettlements(db, scope, {
    states: q.state,
    template: q.template_id,
    createdAfter: q.created_after,
    createdBefore: q.created_before,
    partyReference: q.party_reference,
    limit: q.limit,
    offset: q.offset,
    total: true,
  });
  return { items: rows, total: total! };
}

export async function presentSettlement(deps: PresentDeps, s: SettlementRow, viewer: Tenant) {
  const terms = legTerms(s.parties, s.legs);
  const ours = (role: string) => s.parties.find((p) => p.role === role)?.platformId === viewer.platformId;
  // Deposits are asked for in whichever state runs the template's await_deposits action.
  const template = await findTemplateVersion(deps.db, s.templateId, s.templateVersion);
  const awaiting = actionFor(template.config, s.state).type === 'await_deposits';
  const pending = awaiting ? s.legs.filter((l) => !l.depositedAt && ours(l.fromRole)).map((l) => l.index) : [];
  const owed = await owedByDepositors(deps.db, s, viewer, pending.map((i) => terms[i]!));
  const created = s.createdAt.toISOString();
  const updated = s.updatedAt.toISOString();
  const environmentId = environmentIdOf(s.platformId, s.environment);
  const crossPlatform = s.counterpartyPlatformId !== null;
  const legStatus = legStatusIn(template.config, s.state);
  const legs = await Promise.all(
    s.legs.map(async (l, i) => ({
      id: legIdOf(s.id, l.index),
      settlement_id: s.id,
      leg_type: l.legType,
      instrument_id: l.instrumentId,
      quantity: l.quantity,
      direction: l.direction,
      party_role: l.partyRole,
      chain_id: s.chainId,
      token_standard: 'erc20',
      status: legStatus(l.depositedAt !== null),
      external_reference: l.externalReference,
      created_at: created,
      updated_at: l.depositedAt && l.depositedAt > s.updatedAt ? l.depositedAt.toISOString() : updated,
      token_address: terms[i]!.token,
      decimals: l.decimals,
      amount: l.amount,
      from_role: l.fromRole,
      to_role: l.toRole,
      deposit: {
        status: l.depositedAt ? 'deposited' : 'pending',
        tx_hash: l.depositTxHash,
        deposited_at: l.depositedAt?.toISOString() ?? null,
        instructions: pending.includes(l.index) ? await depositCalls(deps.chain, s.escrowId as Hex, l.index, terms[i]!, owed.get(owedKey(terms[i]!))!) : null,
      },
    })),
  );
  const workflowId = workflowIdFor(s.id);
  return {
    id: s.id,
    platform_id: s.platformId,
    environment_id: environmentId,
    state: s.state,
    settlement_type: s.settlementType,
    idempotency_key: s.idempotencyKey,
    external_reference: s.externalReference,
    template_id: s.templateId,
    template_version: s.templateVersion,
    timeout_at: s.timeoutAt.toISOString(),
    failure_reason: s.failureReason,
    // Each side's party is confirmed by the request that gave it, which made or matched the settlement.
    parties: s.parties.map((p) => {
      const shown = {
        id: partyIdOf(s.id, p.role),
        role: p.role,
        platform_id: p.platformId,
        environment_id: environmentIdOf(p.platformId, p.platformId === s.platformId ? s.environment : s.counterpartyEnvironment!),
        chain_id: p.chainId,
        status: 'confirmed',
        confirmed_at: created,
        // The other party's own reference on one platform; across two, the trade's reference, all the sides share.
        counterparty_reference: crossPlatform ? s.externalReference : (s.parties.find((q) => q.role !== p.role)?.externalReference ?? null),
        created_at: created,
        updated_at: updated,
      };
      if (!ours(p.role)) return { ...shown, external_reference: null, name: null, wallet_address: null, wallet_address_hint: walletHint(p.walletAddress) };
      return {
        ...shown,
        external_reference: p.externalReference,
        name: p.name || null,
        wallet_address: getAddress(p.walletAddress),
        wallet_address_hint: null,
        // Given only when the party said them; JSON leaves undefined out.
        entity_type: p.entityType ?? undefined,
        country: p.country ?? undefined,
        date_of_birth: p.dateOfBirth ?? undefined,
      };
    }),
    legs,
    escrow: { chain_id: s.chainId, contract_address: getAddress(s.escrowAddress), escrow_id: s.escrowId },
    workflow: {
      id: workflowId,
      ui_url: `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`,
    },
    created_at: created,
    updated_at: updated,
  };
}

/** Enough of a counterparty's wallet to recognise it, not to use it: 0x12ab…cd34. */
function walletHint(wallet: string): string {
  const address = getAddress(wallet);
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

const owedKey = (leg: Pick<EscrowLegTerms, 'depositor' | 'token'>) => `${leg.depositor}:${leg.token}`;

/**
 * What each depositor of these legs still owes the escrow in each token, over every settlement
 * of the tenant that awaits its deposits, keyed by owedKey. `approve` sets the allowance rather
 * than adding to it, and one allowance serves every escrow leg of that wallet and token: an
 * approval of one settlement's amount would let another settlement's deposit spend it and leave
 * this one short. Approving what all open legs owe lets the wallet deposit them in any order.
 * Only the viewer's own parties are counted, in the settlements it sees, so one platform learns
 * nothing of a wallet's obligations on another.
 */
async function owedByDepositors(db: Db, s: SettlementRow, viewer: Tenant, legs: EscrowLegTerms[]): Promise<Map<string, bigint>> {
  const owed = new Map<string, bigint>();
  const pairs = [...new Map(legs.map((l) => [owedKey(l), l])).values()];
  await Promise.all(
    pairs.map(async ({ depositor, token }) => {
      const open = await db.leg.findMany({
        where: {
          depositedAt: null,
          tokenAddress: token.toLowerCase(),
          settlement: {
            ...settlementWhere(viewer),
            chainId: s.chainId,
            escrowAddress: s.escrowAddress,
            parties: { some: { platformId: viewer.platformId, walletAddress: depositor.toLowerCase() } },
          },
        },
        select: { amount: true, fromRole: true, settlement: { select: { state: true, templateId: true, templateVersion: true, parties: { select: { role: true, walletAddress: true, platformId: true } } } } },
      });
      let sum = 0n;
      for (const leg of open) {
        const from = leg.settlement.parties.find((p) => p.role === leg.fromRole);
        if (from?.walletAddress !== depositor.toLowerCase() || from.platformId !== viewer.platformId) continue;
        const { config } = await findTemplateVersion(db, leg.settlement.templateId, leg.settlement.templateVersion);
        if (actionFor(config, leg.settlement.state).type === 'await_deposits') sum += BigInt(leg.amount);
      }
      owed.set(owedKey({ depositor, token }), sum);
    }),
  );
  return owed;
}

/** A leg is pending until deposited, then settled with the swap or refunded when the settlement failed (cancelled if it never came). */
function legStatusIn(config: TemplateConfig, state: string) {
  const failed = config.failure_states.includes(state);
  const swapped = !failed && (isTerminal(config, state) || actionFor(config, state).type === 'await_finality');
  return (deposited: boolean) => (!deposited ? (failed ? 'cancelled' : 'pending') : swapped ? 'settled' : failed ? 'refunded' : 'deposited');
}
