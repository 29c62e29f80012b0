// The settlement as the API shows it (KeyStone's shape plus Lockstep's escrow
// details and, while deposits are awaited, ready-to-send deposit transactions).

import { getAddress, type Hex } from 'viem';
import type { Chain } from '../../chain/client';
import { depositCalls } from '../../chain/escrow';
import type { Db } from '../../db/client';
import { workflowIdFor } from '../../workflows/names';

const include = { parties: { orderBy: { role: 'asc' } }, legs: { orderBy: { index: 'asc' } } } as const;
type SettlementRow = NonNullable<Awaited<ReturnType<Db['settlement']['findFirst']>>> & {
  parties: { role: string; externalReference: string; name: string; walletAddress: string; chainId: number }[];
  legs: {
    index: number;
    legType: string;
    instrumentId: string;
    tokenAddress: string;
    decimals: number;
    quantity: string;
    amount: string;
    direction: string;
    partyRole: string;
    fromRole: string;
    toRole: string;
    depositTxHash: string | null;
    depositedAt: Date | null;
  }[];
};

export interface PresentDeps {
  db: Db;
  chain: Chain;
  temporalUiUrl: string;
  namespace: string;
}

export async function findSettlement(db: Db, platformId: string, environment: string, id: string) {
  return db.settlement.findFirst({ where: { id, platformId, environment }, include });
}

export async function listSettlements(db: Db, platformId: string, environment: string, q: { state?: string; limit: number; offset: number }) {
  const where = { platformId, environment, ...(q.state ? { state: q.state } : {}) };
  const [items, total] = await db.$transaction([
    db.settlement.findMany({ where, include, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: q.limit, skip: q.offset }),
    db.settlement.count({ where }),
  ]);
  return { items, total };
}

export async function presentSettlement(deps: PresentDeps, s: SettlementRow) {
  const wallet = (role: string) => getAddress(s.parties.find((p) => p.role === role)!.walletAddress);
  const awaiting = s.state === 'AWAITING_DEPOSITS';
  const legs = await Promise.all(
    s.legs.map(async (l) => ({
      leg_type: l.legType,
      instrument_id: l.instrumentId,
      quantity: l.quantity,
      direction: l.direction,
      party_role: l.partyRole,
      token_address: getAddress(l.tokenAddress),
      decimals: l.decimals,
      amount: l.amount,
      from_role: l.fromRole,
      to_role: l.toRole,
      deposit: {
        status: l.depositedAt ? 'deposited' : 'pending',
        tx_hash: l.depositTxHash,
        deposited_at: l.depositedAt?.toISOString() ?? null,
        instructions:
          awaiting && !l.depositedAt
            ? await depositCalls(deps.chain, s.escrowId as Hex, l.index, {
                token: getAddress(l.tokenAddress),
                depositor: wallet(l.fromRole),
                recipient: wallet(l.toRole),
                amount: BigInt(l.amount),
              })
            : null,
      },
    })),
  );
  const workflowId = workflowIdFor(s.id);
  return {
    id: s.id,
    state: s.state,
    settlement_type: s.settlementType,
    idempotency_key: s.idempotencyKey,
    template_id: s.templateId,
    template_version: s.templateVersion,
    timeout_at: s.timeoutAt.toISOString(),
    failure_reason: s.failureReason,
    parties: s.parties.map((p) => ({
      role: p.role,
      external_reference: p.externalReference,
      name: p.name,
      wallet_address: getAddress(p.walletAddress),
      chain_id: p.chainId,
    })),
    legs,
    escrow: { chain_id: s.chainId, contract_address: getAddress(s.escrowAddress), escrow_id: s.escrowId },
    workflow: {
      id: workflowId,
      ui_url: `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`,
    },
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}
