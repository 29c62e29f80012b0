// The settlement instruction as a platform sends it, and the rules that turn its
// legs into escrow transfers. Pure: shared by the API, activities and tests.

import type { TemplateConfig } from './template.ts';
import { LockstepError } from './errors.ts';

export const LEG_TYPES = ['asset', 'asset_delivery', 'payment'] as const;
export type LegType = (typeof LEG_TYPES)[number];
export const DIRECTIONS = ['deliver', 'receive'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * The token standards a leg may name. The escrow holds ERC-20 tokens; an ERC-3643 (T-REX)
 * permissioned token is one too, whose rules the engine checks before anything moves.
 */
export const TOKEN_STANDARDS = ['erc20', 'erc3643'] as const;
export type TokenStandard = (typeof TOKEN_STANDARDS)[number];

export interface PartyInstruction {
  role: string;
  external_reference: string;
  name: string;
  wallet_address: string;
  chain_id: number;
}

export interface LegInstruction {
  leg_type: LegType;
  instrument_id: string;
  quantity: string;
  direction: Direction;
  party_role: string;
}

/** Who pays a leg into escrow and who receives it on settlement. */
export interface Transfer {
  fromRole: string;
  toRole: string;
}

export class InstructionError extends LockstepError {
  override readonly name = 'InstructionError';
  constructor(
    message: string,
    readonly loc: (string | number)[],
  ) {
    super(message);
  }
}

/** `asset_delivery` is KeyStone's name for an asset leg; both satisfy a template's `asset` requirement. */
export function legTypeFamily(legType: LegType): 'asset' | 'payment' {
  return legType === 'payment' ? 'payment' : 'asset';
}

/**
 * A single-platform settlement has exactly two counterparties, so a leg's direction
 * names one side and the other side is implied: `deliver` pays from party_role to the
 * counterparty, `receive` pays from the counterparty to party_role.
 */
export function transferOf(leg: LegInstruction, parties: PartyInstruction[]): Transfer {
  const counterparty = parties.find((p) => p.role !== leg.party_role);
  if (!counterparty) throw new InstructionError(`no counterparty for role ${leg.party_role}`, ['legs']);
  return leg.direction === 'deliver'
    ? { fromRole: leg.party_role, toRole: counterparty.role }
    : { fromRole: counterparty.role, toRole: leg.party_role };
}

/** Structural rules the JSON schema cannot express; each failure names the offending field. */
export function checkInstruction(
  parties: PartyInstruction[],
  legs: LegInstruction[],
  template: TemplateConfig,
): void {
  const roles = parties.map((p) => p.role);
  roles.forEach((role, i) => {
    if (roles.indexOf(role) !== i) throw new InstructionError(`role "${role}" appears more than once`, ['parties', i, 'role']);
  });
  if (parties.length !== 2) {
    throw new InstructionError('a single-platform settlement has exactly two parties', ['parties']);
  }
  const missingRoles = template.required_roles.filter((r) => !roles.includes(r));
  if (missingRoles.length) {
    throw new InstructionError(`the template requires the role(s): ${missingRoles.join(', ')}`, ['parties']);
  }
  const chainIds = new Set(parties.map((p) => p.chain_id));
  if (chainIds.size !== 1) throw new InstructionError('all parties must be on the same chain', ['parties']);
  const wallets = parties.map((p) => p.wallet_address.toLowerCase());
  if (new Set(wallets).size !== wallets.length) {
    throw new InstructionError('each party needs its own wallet address', ['parties']);
  }
  legs.forEach((leg, i) => {
    if (!roles.includes(leg.party_role)) {
      throw new InstructionError(`party_role "${leg.party_role}" is not one of the parties`, ['legs', i, 'party_role']);
    }
  });
  // Delivery versus payment: whoever delivers the asset must not also be the one who pays.
  const payers = (family: 'asset' | 'payment') =>
    new Set(legs.filter((l) => legTypeFamily(l.leg_type) === family).map((l) => transferOf(l, parties).fromRole));
  const both = [...payers('asset')].filter((role) => payers('payment').has(role));
  if (template.required_leg_types.length > 1 && both.length) {
    throw new InstructionError(`"${both[0]}" would deliver both the asset and the payment; check each leg's direction`, ['legs']);
  }
  // A type listed twice needs two legs of it (pvp-standard: two payment legs).
  const have = legs.map((l) => legTypeFamily(l.leg_type));
  const missingLegs = template.required_leg_types.filter((t) => {
    const i = have.indexOf(legTypeFamily(t as LegType));
    if (i < 0) return true;
    have.splice(i, 1);
    return false;
  });
  if (missingLegs.length) {
    throw new InstructionError(`the template requires leg type(s): ${missingLegs.join(', ')}`, ['legs']);
  }
}
