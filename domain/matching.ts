// Whether the two sides of a bilateral trade describe the same trade, and if not, every way in
// which they differ. Each side states the whole trade from its own point of view: the same
// template, its own role, and every leg with the direction it sees (the seller delivers the
// asset that the buyer receives). Quantities are compared in base units, so "1.0" equals "1".

/** What becomes of an instruction: it waits, until it matches, runs out of time or is cancelled. */
export const INSTRUCTION_STATUSES = ['pending_match', 'matched', 'expired', 'cancelled'] as const;

export interface SideLeg {
  legType: string;
  /** As the side wrote it (a symbol or an address), for showing. */
  instrumentId: string;
  /** The resolved token: lower-case address. */
  token: string;
  chainId: number;
  /** As the side wrote it, for showing. */
  quantity: string;
  /** In the token's base units. */
  amount: bigint;
  direction: 'deliver' | 'receive';
}

export interface InstructionSide {
  templateSlug: string;
  role: string;
  legs: SideLeg[];
}

/** One way the sides differ. Only trade terms are shown, never a party's own details. */
export interface Mismatch {
  field: string;
  ours: string | null;
  theirs: string | null;
  reason: string;
}

const opposite = { deliver: 'receive', receive: 'deliver' } as const;
const legKey = (l: SideLeg) => `${l.chainId}:${l.token}`;

/** Every difference between `ours` and the pending `theirs`; none means they match. `roles` are our template's required roles. */
export function mismatches(ours: InstructionSide, theirs: InstructionSide, roles: readonly string[]): Mismatch[] {
  const found: Mismatch[] = [];
  if (ours.templateSlug !== theirs.templateSlug) {
    found.push({ field: 'template_slug', ours: ours.templateSlug, theirs: theirs.templateSlug, reason: 'the sides name different templates' });
  }
  found.push(...roleMismatches(ours.role, theirs.role, roles));
  found.push(...legMismatches(ours.legs, theirs.legs));
  return found;
}

function roleMismatches(ours: string, theirs: string, roles: readonly string[]): Mismatch[] {
  if (ours === theirs) return [{ field: 'role', ours, theirs, reason: 'both sides take the same role' }];
  const strangers = [ours, theirs].filter((r) => !roles.includes(r));
  return strangers.map((r) => ({ field: 'role', ours, theirs, reason: `"${r}" is not a role of the template, whose roles are ${roles.join(', ')}` }));
}

function legMismatches(ours: SideLeg[], theirs: SideLeg[]): Mismatch[] {
  const found: Mismatch[] = [];
  const unpaired = [...theirs];
  ours.forEach((leg, i) => {
    const at = unpaired.findIndex((t) => legKey(t) === legKey(leg));
    if (at < 0) {
      found.push({ field: `legs[${i}].instrument_id`, ours: leg.instrumentId, theirs: null, reason: 'the counterparty has no leg in this instrument on this chain' });
      return;
    }
    const [their] = unpaired.splice(at, 1);
    if (their!.legType !== leg.legType) found.push({ field: `legs[${i}].leg_type`, ours: leg.legType, theirs: their!.legType, reason: 'the sides call this leg differently' });
    if (their!.amount !== leg.amount) found.push({ field: `legs[${i}].quantity`, ours: leg.quantity, theirs: their!.quantity, reason: 'the quantities differ' });
    if (their!.direction !== opposite[leg.direction]) {
      found.push({ field: `legs[${i}].direction`, ours: leg.direction, theirs: their!.direction, reason: 'what one side delivers the other must receive' });
    }
  });
  for (const leg of unpaired) {
    found.push({ field: 'legs', ours: null, theirs: leg.instrumentId, reason: 'the counterparty has a leg in an instrument this side does not' });
  }
  return found;
}
