// An instruction as KeyStone's SDK reads it (its Instruction model), with Lockstep's mismatches.

import type { Instruction } from '../../generated/prisma/client.ts';
import type { Mismatch } from '../../domain/matching.ts';
import type { Direction } from '../../domain/settlement.ts';

export type InstructionRow = Instruction;

export type StoredParty = {
  external_reference: string;
  name: string | null;
  wallet_address: string;
  chain_id: number;
  entity_type?: string;
  country?: string;
  date_of_birth?: string;
};

export type StoredLeg = {
  leg_type: string;
  instrument_id: string;
  chain_id: number;
  token_standard: string | null;
  /** Canonical decimal. */
  quantity: string;
  direction: Direction;
  /** For matching and the settlement: the resolved token (lower-case address), its decimals and the amount in base units. */
  token: string;
  decimals: number;
  amount: string;
};

/** Stored pending but past its expiry is expired, whether or not the sweep has written it yet. */
export function statusOf(row: Pick<InstructionRow, 'status' | 'expiresAt'>, now = new Date()): string {
  return row.status === 'pending_match' && row.expiresAt <= now ? 'expired' : row.status;
}

export function presentInstruction(row: InstructionRow) {
  const party = row.party as unknown as StoredParty;
  return {
    id: row.id,
    trade_reference: row.tradeReference,
    status: statusOf(row),
    settlement_id: row.settlementId,
    template_slug: row.templateSlug,
    role: row.role,
    party: { external_reference: party.external_reference, name: party.name, wallet_address: party.wallet_address, chain_id: party.chain_id },
    legs: (row.legs as unknown as StoredLeg[]).map((l) => ({ leg_type: l.leg_type, instrument_id: l.instrument_id, chain_id: l.chain_id, token_standard: l.token_standard, quantity: l.quantity, direction: l.direction })),
    timeout_at: row.timeoutAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    mismatches: row.mismatches as unknown as Mismatch[],
  };
}
