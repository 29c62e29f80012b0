// A settlement's on-chain escrow id, derived from its UUID and reversible, so a
// listener maps a log to its settlement without a lookup.

import type { Hex } from 'viem';
import { LockstepError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';

const ESCROW_ID = /^0x0{32}([0-9a-f]{32})$/i;

/** On-chain escrow id of a settlement: the UUID's 16 bytes left-padded to bytes32. */
export function escrowIdFor(settlementUuid: string): Hex {
  if (!isUuid(settlementUuid)) throw new Error(`not a UUID: ${settlementUuid}`);
  return `0x${settlementUuid.replaceAll('-', '').toLowerCase().padStart(64, '0')}`;
}

/** An escrow id no settlement's UUID gives: another user of the same escrow contract. */
export class ForeignEscrowId extends LockstepError {
  override readonly name = 'ForeignEscrowId';
}

/** Inverse of {@link escrowIdFor}; ForeignEscrowId for ids that did not come from a UUID. */
export function settlementUuidFromEscrowId(id: Hex): string {
  const match = ESCROW_ID.exec(id);
  if (!match?.[1]) throw new ForeignEscrowId(`not an escrow id derived from a UUID: ${id}`);
  const hex = match[1].toLowerCase();
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}
