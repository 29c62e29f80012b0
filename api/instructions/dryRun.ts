// POST /v1/instructions/dry-run: what a submit of this side would meet now, with nothing
// created. The body is checked exactly as a submit checks it (checkSide: the same 422s); the
// trade's pending sides are found and compared as a submit finds and compares them
// (compareSides: only the sides the caller may match, a matched trade is the same 409). When
// the side would match, the settlement the match would make (settlementRequestOf) gets a
// settlements dry run: its screening, tokens, balances, allowances, ERC-3643 rules, gas and
// deadline. A side that would stay pending gets the checks it allows alone (sideChecks). No lock is taken: the answer is of the moment, as a settlement's dry run is.

import type { Models } from '../../db/client.ts';
import { getAddress } from 'viem';
import type { StoredTemplate } from '../../db/templates.ts';
import type { DryRunCheck } from '../../domain/dryRun.ts';
import type { Mismatch } from '../../domain/matching.ts';
import type { AuthContext } from '../auth/tokens.ts';
import type { CreateInstructionRequest } from '../schemas.ts';
import { checkPartiesAndLegs, dryRunSettlement, type DryRunDeps } from '../settlements/dryRun.ts';
import { asSide, checkSide, compareSides, earlierSide, settlementRequestOf, type InstructionDeps } from './submit.ts';

/** `db`: the caller's tenant view. */
export async function dryRunInstruction(deps: InstructionDeps & DryRunDeps, db: Models, caller: AuthContext, body: CreateInstructionRequest) {
  const answer = (would: 'repeat' | 'stay_pending' | 'match', rest: { instruction_id?: string; mismatches?: Mismatch[]; checks?: DryRunCheck[]; settlement?: Awaited<ReturnType<typeof dryRunSettlement>> } = {}) => ({
    object: 'instruction_dry_run' as const,
    would,
    instruction_id: rest.instruction_id ?? null,
    mismatches: rest.mismatches ?? [],
    checks: rest.checks ?? [],
    settlement: rest.settlement ?? null,
  });
  const earlier = await earlierSide(db, caller, body);
  if (earlier) return answer('repeat', { instruction_id: earlier.id });
  const { template, ours } = await checkSide(deps, db, caller, body);
  // The owner's view, as the submit's matching transaction reads: compareSides filters to the sides the caller may match.
  const { compared, match } = await compareSides(deps.db, caller, template, ours);
  if (!match) return answer('stay_pending', { mismatches: compared[0]?.found ?? [], checks: await sideChecks(deps, db, caller, template, body) });
  return answer('match', { settlement: await dryRunSettlement(deps, db, caller, settlementRequestOf(asSide(match.side), ours)) });
}

/**
 * What one side alone allows to check, as a settlement's dry run checks it: its own party's
 * screening, each leg's token and decimals, and the balance and allowance of the legs it
 * deposits (a leg it receives is the counterparty's to deposit, unknown until the match).
 */
async function sideChecks(deps: DryRunDeps, db: Models, caller: AuthContext, template: StoredTemplate, body: CreateInstructionRequest): Promise<DryRunCheck[]> {
  const checks: DryRunCheck[] = [];
  const party = { ...body.party, role: body.role, name: body.party.name ?? '', chain_id: deps.chain.chainId };
  const legs = body.legs.map((l, index) => {
    const deposits = l.direction === 'deliver';
    return { index, instrumentId: l.instrument_id, quantity: l.quantity, fromRole: deposits ? body.role : null, depositor: deposits ? getAddress(body.party.wallet_address) : null };
  });
  await checkPartiesAndLegs(deps, db, caller, template, [party], legs, (c) => checks.push({ party: null, leg: null, ...c }));
  return checks;
}
