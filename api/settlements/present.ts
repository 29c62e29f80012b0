// The settlement as the API shows it (KeyStone's shape plus Lockstep's escrow
// details and, while deposits are awaited, ready-to-send deposit transactions), as one
// platform environment sees it: of a cross-platform settlement, the other platform's party
// only as KeyStone shows a counterparty (role, a hint of its wallet, the shared reference),
// and deposit transactions only for the viewer's own parties.

import { getAddress, type Hex } from 'viem';
import type { Chain } from '../../chain/client.ts';
import { allowanceOf, depositCalls, legTerms, type EscrowLegTerms } from '../../chain/escrow.ts';
import type { Db } from '../../db/client.ts';
import type { Page } from '../../db/page.ts';
import type { Tenant } from '../../db/tenant.ts';
import { isUuid } from '../../domain/ids.ts';
import { notFound } from '../errors.ts';
import type { ListSettlementsQuery } from '../schemas.ts';
import { findTemplateVersion, type StoredTemplate } from '../../db/templates.ts';
import { actionFor, isTerminal, type TemplateConfig } from '../../domain/template.ts';
import type { TokenStandard } from '../../domain/settlement.ts';
import { environmentIdOf, legIdOf, partyIdOf } from '../derivedIds.ts';
import { workflowIdFor } from '../../workflows/names.ts';
import { readSettlements, undepositedLegs, type SettlementRow } from '../../db/settlementReads.ts';
import type { SettlementScope } from '../../db/settlementScope.ts';

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

/** A page of settlements, read and counted in SQL of its own (db/settlementReads.ts) rather than by db/page.ts. */
export async function listSettlements(db: Db, scope: SettlementScope, q: ListSettlementsQuery): Promise<Page<SettlementRow>> {
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
  return { items: rows, total: total!, limit: q.limit, offset: q.offset };
}

export async function presentSettlement(deps: PresentDeps, s: SettlementRow, viewer: Tenant) {
  return (await presentSettlements(deps, [s], viewer))[0]!;
}

/** A page of settlements: what their pending deposits need is read once for the page, not once a leg. */
export async function presentSettlements(deps: PresentDeps, rows: SettlementRow[], viewer: Tenant) {
  const shown = await Promise.all(rows.map((s) => pendingDeposits(deps.db, s, viewer)));
  const needs = await depositNeeds(deps, viewer, shown.flatMap((p) => p.pending.map((i) => ({ s: p.s, leg: p.terms[i]! }))));
  return shown.map((p) => present(deps, p, viewer, needs));
}

interface Pending {
  s: SettlementRow;
  template: StoredTemplate;
  terms: EscrowLegTerms[];
  /** The indexes of the legs the viewer's parties still have to deposit now. */
  pending: number[];
}

async function pendingDeposits(db: Db, s: SettlementRow, viewer: Tenant): Promise<Pending> {
  const terms = legTerms(s.parties, s.legs);
  // Deposits are asked for in whichever state runs the template's await_deposits action.
  const template = await findTemplateVersion(db, s.templateId, s.templateVersion);
  const awaiting = actionFor(template.config, s.state).type === 'await_deposits';
  const ours = (role: string) => s.parties.find((p) => p.role === role)?.platformId === viewer.platformId;
  const pending = awaiting ? s.legs.filter((l) => !l.depositedAt && ours(l.fromRole)).map((l) => l.index) : [];
  return { s, template, terms, pending };
}

function present(deps: PresentDeps, { s, template, terms, pending }: Pending, viewer: Tenant, needs: Map<string, DepositNeed>) {
  const ours = (role: string) => s.parties.find((p) => p.role === role)?.platformId === viewer.platformId;
  const created = s.createdAt.toISOString();
  const updated = s.updatedAt.toISOString();
  const environmentId = environmentIdOf(s.platformId, s.environment);
  const crossPlatform = s.counterpartyPlatformId !== null;
  const legStatus = legStatusIn(template.config, s.state);
  const legs = s.legs.map((l, i) => {
    const need = pending.includes(l.index) ? needs.get(needKey(s, terms[i]!)) : undefined;
    return {
      id: legIdOf(s.id, l.index),
      settlement_id: s.id,
      leg_type: l.legType,
      instrument_id: l.instrumentId,
      quantity: l.quantity,
      direction: l.direction,
      party_role: l.partyRole,
      chain_id: s.chainId,
      token_standard: l.tokenStandard as TokenStandard,
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
        instructions: need ? depositCalls(deps.chain, s.escrowId as Hex, l.index, terms[i]!, need.owed, need.allowance) : null,
      },
    };
  });
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

interface DepositNeed {
  /** What the depositor still owes the escrow in this token, over all its open legs. */
  owed: bigint;
  allowance: bigint;
}

const needKey = (s: Pick<SettlementRow, 'chainId' | 'escrowAddress'>, leg: { depositor: string; token: string }) =>
  `${s.chainId}:${s.escrowAddress}:${leg.depositor.toLowerCase()}:${leg.token.toLowerCase()}`;

/**
 * What each depositor of these legs still owes the escrow in each token, over every settlement
 * of the tenant that awaits its deposits, and its allowance now, keyed by needKey. `approve` sets
 * the allowance rather than adding to it, and one allowance serves every escrow leg of that
 * wallet and token: an approval of one settlement's amount would let another settlement's
 * deposit spend it and leave this one short. Approving what all open legs owe lets the wallet
 * deposit them in any order. Only the viewer's own parties are counted, in the settlements it
 * sees, so one platform learns nothing of a wallet's obligations on another. One query and one
 * allowance read per depositor and token, however many legs of a page they have.
 */
async function depositNeeds(deps: PresentDeps, viewer: Tenant, legs: { s: SettlementRow; leg: EscrowLegTerms }[]): Promise<Map<string, DepositNeed>> {
  const keys = [...new Map(legs.map(({ s, leg }) => [needKey(s, leg), { chainId: s.chainId, escrowAddress: s.escrowAddress, depositor: leg.depositor, token: leg.token }])).values()];
  const [open, allowances] = await Promise.all([
    undepositedLegs(deps.db, viewer, keys),
    Promise.all(keys.map((k) => allowanceOf(deps.chain, k.depositor, k.token))),
  ]);
  const needs = new Map(keys.map((k, i) => [needKey(k, k), { owed: 0n, allowance: allowances[i]! }]));
  for (const leg of open) {
    const { config } = await findTemplateVersion(deps.db, leg.templateId, leg.templateVersion);
    const need = needs.get(needKey(leg, leg));
    if (need && actionFor(config, leg.state).type === 'await_deposits') need.owed += BigInt(leg.amount);
  }
  return needs;
}

/** A leg is pending until deposited, then settled with the swap or refunded when the settlement failed (cancelled if it never came). */
function legStatusIn(config: TemplateConfig, state: string) {
  const failed = config.failure_states.includes(state);
  const swapped = !failed && (isTerminal(config, state) || actionFor(config, state).type === 'await_finality');
  return (deposited: boolean) => (!deposited ? (failed ? 'cancelled' : 'pending') : swapped ? 'settled' : failed ? 'refunded' : 'deposited');
}
