// POST /v1/settlements/dry-run: what would happen to this create, asked of the world as it is
// now, with nothing created. The request is validated exactly as a create's (checkRequest, the
// same schema and rules: 422 for what is wrong with the request itself); what depends on the
// world (the screening, the tokens, balances and allowances, the ERC-3643 rules, the gas, the
// time left) is answered as checks, every one of them, instead of stopping at the first.
//
// Side-effect free: no row, no workflow, no transaction. The screening runs in this process
// with its own copy of the workers' index (why: docs/architecture.md, "Compliance screening"),
// through the same function the workflow's activity runs; the chain is only read, and the
// transactions to come are estimated or simulated (chain/settlementGas.ts), never signed.

import { randomUUID } from 'node:crypto';
import { getAddress, type Address } from 'viem';
import { screenSettlementParties, type SettlementScreeningDeps } from '../../activities/compliance.ts';
import type { Chain } from '../../chain/client.ts';
import { permissionedLegs, permissionRefusals, type PermissionRefusal } from '../../chain/erc3643.ts';
import { approvalCall, balanceOf, allowanceOf, type EscrowLegTerms } from '../../chain/escrow.ts';
import { escrowIdFor } from '../../chain/escrowId.ts';
import { estimateSettlementGas, type GasEstimate } from '../../chain/settlementGas.ts';
import type { ScreeningIndex } from '../../compliance/lists.ts';
import type { ScreeningResult } from '../../compliance/screening.ts';
import type { Models } from '../../db/client.ts';
import type { StoredTemplate } from '../../db/templates.ts';
import type { Tenant } from '../../db/tenant.ts';
import { allPassed, approvalsFor, timeoutRoom, type Approval, type DryRunCheck } from '../../domain/dryRun.ts';
import { fromBaseUnits } from '../../domain/money.ts';
import { transferOf } from '../../domain/settlement.ts';
import { screeningVerdict, type ScreeningVerdict } from '../../domain/thresholds.ts';
import { ApiError } from '../errors.ts';
import { presentScreening } from '../presentScreening.ts';
import type { CreateSettlementRequest } from '../schemas.ts';
import { chainRead, checkHorizon, checkRequest, partyRowOf, resolveLegs, type CreateDeps } from './create.ts';

export interface DryRunDeps extends CreateDeps {
  /** This process's live index (loaded at the first dry run) and the deployment's thresholds. */
  screening: { index(): Promise<ScreeningIndex>; thresholds: SettlementScreeningDeps['thresholds'] };
  /** CONFIRMATIONS: how deep a deposit must be before it counts. */
  confirmations: number;
}

/** How many recent blocks the block time is measured over. */
const BLOCK_SAMPLE = 20n;

/** `db`: the caller's tenant view: the template, the instruments, the suppressions and the thresholds are read through it. */
export async function dryRunSettlement(deps: DryRunDeps, db: Models, caller: Tenant, body: CreateSettlementRequest) {
  const { template, parties, timeoutAt } = await checkRequest(deps, db, caller, body);
  checkHorizon(deps, timeoutAt);
  const now = new Date();
  const checks: DryRunCheck[] = [];
  const check: Check = (c) => checks.push({ party: null, leg: null, ...c });

  const wallet = (role: string) => getAddress(parties.find((p) => p.role === role)!.wallet_address);
  const { screening, legs, funded: resolved, balances, approvals } = await checkPartiesAndLegs(
    deps, db, caller, template, parties,
    body.legs.map((leg, index) => {
      const { fromRole, toRole } = transferOf(leg, parties);
      return { index, instrumentId: leg.instrument_id, quantity: leg.quantity, tokenStandard: leg.token_standard ?? 'erc20', fromRole, toRole, depositor: wallet(fromRole), recipient: wallet(toRole) };
    }),
    check,
  );

  // What else the chain holds now: the block time, the ERC-3643 rules.
  const [block, refusals] = await Promise.all([
    chainRead(deps.chain, 'its latest blocks', blockTime(deps.chain)),
    chainRead(
      deps.chain,
      'the ERC-3643 checks',
      permissionRefusals(
        deps.chain,
        permissionedLegs(
          parties.map((p) => ({ role: p.role, walletAddress: p.wallet_address })),
          resolved.map((l) => ({ index: l.index, tokenStandard: l.tokenStandard, tokenAddress: l.instrument.address, fromRole: l.fromRole, toRole: l.toRole, amount: l.amount.toString() })),
        ),
      ),
    ),
  ]);

  resolved.forEach((l) => {
    if (l.tokenStandard !== 'erc3643') return check({ check: 'erc3643', leg: l.index, party: l.fromRole, ok: true, detail: 'an ERC-20 leg: no identity registry or compliance contract to ask' });
    const broken = refusals.filter((r) => r.leg === l.index);
    if (!broken.length) return check({ check: 'erc3643', leg: l.index, party: l.fromRole, ok: true, detail: `token ${l.instrument.address} allows the deposit and the payout: not paused, nobody frozen, the escrow and the receiver verified, canTransfer both ways` });
    for (const r of broken) check({ check: 'erc3643', leg: l.index, party: r.party, ok: false, detail: `${r.message} [${r.rule}]` });
  });

  // Gas of every transaction to come, when every token is known.
  let gas: GasEstimate[] = [];
  if (resolved.length === legs.length) {
    const terms: EscrowLegTerms[] = resolved.map((l) => ({ token: l.instrument.address, depositor: l.depositor, recipient: l.recipient, amount: l.amount }));
    gas = await chainRead(
      deps.chain,
      'the gas estimates',
      estimateSettlementGas(deps.chain, {
        escrowId: escrowIdFor(randomUUID()),
        legs: terms,
        deadline: BigInt(Math.floor(timeoutAt.getTime() / 1000)),
        approvals: approvals.filter((a) => a.needed).map((a) => ({ leg: a.legs[0]!, depositor: a.depositor as Address, token: a.token as Address, amount: a.amount })),
      }),
    );
    for (const g of gas) {
      const party = g.leg === null ? 'operator' : resolved[g.leg]!.fromRole;
      check({ check: 'gas', leg: g.leg, party, ok: g.gas !== null, detail: g.gas !== null ? `${g.step} by ${party}: ${g.gas} gas (${g.method}${g.note ? `; ${g.note}` : ''})` : `${g.step} by ${party}: ${g.note}` });
    }
  } else {
    check({ check: 'gas', ok: false, detail: 'not estimated: a leg\'s token is unknown (see its token check)' });
  }

  // The deadline against what must happen before it.
  const room = timeoutRoom({ now, timeoutAt, minLeadMs: deps.minLeadMs, confirmations: deps.confirmations, blockSeconds: block.seconds, approvalsNeeded: approvals.some((a) => a.needed) });
  check({ check: 'timeout', ok: room.ok, detail: room.detail });

  return {
    object: 'settlement_dry_run' as const,
    ok: allPassed(checks),
    checked_at: now.toISOString(),
    chain_id: deps.chain.chainId,
    escrow_address: getAddress(deps.chain.escrowAddress),
    block_number: block.number.toString(),
    template: { id: template.id, slug: template.slug, version: template.version },
    timeout_at: timeoutAt.toISOString(),
    checks,
    screening: screening && { ...presentScreening(screening.result), next: screening.verdict.next, reason: screening.verdict.next === 'roll_back' ? screening.verdict.reason : null },
    legs: legs.map((l) => ({
      index: l.index,
      instrument_id: l.instrumentId,
      token_standard: l.tokenStandard,
      from_role: l.fromRole,
      to_role: l.toRole,
      depositor: l.depositor,
      recipient: l.recipient,
      token: l.resolved && { address: l.resolved.instrument.address, symbol: l.resolved.instrument.symbol, decimals: l.resolved.instrument.decimals },
      amount: l.resolved && l.resolved.amount.toString(),
      balance: presentBalance(l, resolved, balances),
      erc3643_refusals: refusals.filter((r) => r.leg === l.index).map(presentRefusal),
    })),
    approvals: approvals.map((a) => presentApproval(deps.chain, a, resolved.find((l) => l.index === a.legs[0])!.instrument.decimals)),
    gas: gas.map((g) => ({ step: g.step, sender: g.leg === null ? 'operator' : 'depositor', from: g.from, leg: g.leg, gas: g.gas?.toString() ?? null, method: g.method, note: g.note })),
    timeout: {
      ok: room.ok,
      seconds_left: room.secondsLeft,
      seconds_needed: room.secondsNeeded,
      blocks_needed: room.blocksNeeded,
      confirmations: deps.confirmations,
      block_seconds: block.seconds,
    },
  };
}

type Check = (c: Omit<DryRunCheck, 'party' | 'leg'> & Partial<Pick<DryRunCheck, 'party' | 'leg'>>) => void;

/** A leg to check: its depositor (and the role it deposits as) unknown when only the receiving side is. */
interface LegToCheck {
  index: number;
  instrumentId: string;
  quantity: string;
  fromRole: string | null;
  depositor: Address | null;
}

/**
 * The checks the parties and legs known allow, pushed through `check` in the report's order:
 * each party's screening (as the template's compliance_check would run it), each leg's token,
 * its decimals and base units, and each known depositor's balance and the escrow's allowance.
 * A settlement's dry run knows every party; one side of a trade (an instruction's dry run) only its own.
 */
export async function checkPartiesAndLegs<L extends LegToCheck>(
  deps: DryRunDeps, db: Models, caller: Tenant, template: StoredTemplate, parties: Parameters<typeof partyRowOf>[0][], toCheck: L[], check: Check,
) {
  // Screening, as the template's compliance_check would run it.
  const screeningAction = Object.values(template.config.actions).find((a) => a.type === 'compliance_check');
  let screening: { result: ScreeningResult; verdict: ScreeningVerdict } | null = null;
  if (screeningAction) {
    // Why is in the API's log: the cause may name the lists' files or the database.
    const index = await deps.screening.index().catch(() => {
      throw new ApiError(503, 'screening_unavailable', 'Screening unavailable', 'the sanctions lists could not be loaded for the screening; try again');
    });
    const result = await screenSettlementParties(
      { index, thresholds: deps.screening.thresholds, db },
      { platformId: caller.platformId, environment: caller.environment },
      parties.map((p) => partyRowOf(p, caller.platformId)),
    );
    screening = { result, verdict: screeningVerdict(result.outcome, screeningAction.on_flag) };
    for (const p of parties) {
      const matches = result.matches.filter((m) => m.partyRole === p.role);
      check({ check: 'screening', party: p.role, ok: matches.length === 0, detail: screeningDetail(p.role, result, matches, screening.verdict) });
    }
  } else {
    check({ check: 'screening', ok: true, detail: `template "${template.slug}" screens nobody` });
  }

  // Tokens: each leg's token, its decimals and the quantity in its base units.
  const resolutions = await resolveLegs(deps, db, toCheck.map((l) => ({ instrument_id: l.instrumentId, quantity: l.quantity })));
  const legs = toCheck.map((l, index) => {
    const r = resolutions[index]!;
    if (!r.ok) {
      check({ check: 'token', leg: l.index, party: l.fromRole, ok: false, detail: r.field.msg });
      return { ...l, resolved: null };
    }
    const symbol = r.instrument.symbol ?? r.instrument.address;
    check({ check: 'token', leg: l.index, party: l.fromRole, ok: true, detail: `${l.instrumentId} is ${symbol} at ${r.instrument.address}, ${r.instrument.decimals} decimals: ${l.quantity} is ${r.amount} base units` });
    return { ...l, resolved: { instrument: r.instrument, amount: r.amount } };
  });
  const funded = legs.flatMap((l) => (l.resolved && l.depositor && l.fromRole !== null ? [{ ...l, ...l.resolved, depositor: l.depositor, fromRole: l.fromRole }] : []));

  // What the depositors hold now, and what the escrow may take of it.
  const [balances, allowances] = await Promise.all([
    chainRead(deps.chain, 'the depositors\' balances', Promise.all(funded.map((l) => balanceOf(deps.chain, l.depositor, l.instrument.address)))),
    chainRead(deps.chain, 'the escrow\'s allowances', Promise.all(funded.map((l) => allowanceOf(deps.chain, l.depositor, l.instrument.address)))),
  ]);
  const quantity = (l: (typeof funded)[number], units: bigint) => `${fromBaseUnits(units, l.instrument.decimals)} ${l.instrument.symbol ?? l.instrument.address}`;
  funded.forEach((l, i) => {
    const balance = balances[i]!;
    check({
      check: 'balance', leg: l.index, party: l.fromRole, ok: balance >= l.amount,
      detail: `"${l.fromRole}" (${l.depositor}) holds ${quantity(l, balance)}, ${balance >= l.amount ? 'enough for' : 'less than'} the ${quantity(l, l.amount)} it must deposit`,
    });
  });
  const allowanceByKey = new Map(funded.map((l, i) => [`${l.depositor}:${l.instrument.address}`, allowances[i]!]));
  const approvals = approvalsFor(
    funded.map((l) => ({ index: l.index, depositor: l.depositor, token: l.instrument.address, amount: l.amount })),
    (depositor, token) => allowanceByKey.get(`${depositor}:${token}`)!,
  );
  for (const a of approvals) {
    const l = funded.find((r) => r.index === a.legs[0])!;
    const legsNamed = `leg${a.legs.length > 1 ? 's' : ''} ${a.legs.join(', ')}`;
    check({
      check: 'allowance', leg: a.legs[0]!, party: l.fromRole, ok: !a.needed,
      detail: a.needed
        ? `the escrow may take ${quantity(l, a.allowance)} of "${l.fromRole}"'s; ${legsNamed} need${a.legs.length > 1 ? '' : 's'} ${quantity(l, a.amount)}: an approve must come before the deposit (in approvals)`
        : `the escrow may take ${quantity(l, a.allowance)} of "${l.fromRole}"'s, enough for ${legsNamed}: no approve needed`,
    });
  }
  return { screening, legs, funded, balances, approvals };
}

/** A party's matches, each with its reason as the trail records it, and what the settlement's screening would then do. */
function screeningDetail(role: string, result: ScreeningResult, matches: ScreeningResult['matches'], verdict: ScreeningVerdict): string {
  if (!matches.length) return `"${role}": no list entry matched`;
  const found = matches.map((m) => `${m.list} entry ${m.entryId} "${m.entryName}" (${m.layer}, score ${m.score}: ${m.reason})`).join('; ');
  const then = verdict.next === 'roll_back' ? `it would roll back: ${verdict.reason}` : 'it would wait for a compliance decision';
  return `"${role}" matched ${found}; the screening is ${result.outcome} and ${then}`;
}

/** The chain's latest block and its time per block, measured over the last BLOCK_SAMPLE blocks (at least a second: a chain that mines on demand has no rhythm to measure). */
async function blockTime(chain: Chain): Promise<{ number: bigint; seconds: number }> {
  const latest = await chain.publicClient.getBlock({ blockTag: 'latest' });
  const back = latest.number < BLOCK_SAMPLE ? latest.number : BLOCK_SAMPLE;
  if (back === 0n) return { number: latest.number, seconds: 1 };
  const earlier = await chain.publicClient.getBlock({ blockNumber: latest.number - back });
  return { number: latest.number, seconds: Math.max(1, Number(latest.timestamp - earlier.timestamp) / Number(back)) };
}

function presentBalance(l: { index: number }, resolved: { index: number; instrument: { decimals: number }; amount: bigint }[], balances: bigint[]) {
  const i = resolved.findIndex((r) => r.index === l.index);
  if (i < 0) return null;
  const { instrument, amount } = resolved[i]!;
  const held = balances[i]!;
  return { held: fromBaseUnits(held, instrument.decimals), held_amount: held.toString(), needed: fromBaseUnits(amount, instrument.decimals), enough: held >= amount };
}

const presentRefusal = (r: PermissionRefusal) => ({ party: r.party, rule: r.rule, message: r.message });

function presentApproval(chain: Chain, a: Approval, decimals: number) {
  return {
    depositor: a.depositor,
    token: a.token,
    legs: a.legs,
    quantity: fromBaseUnits(a.amount, decimals),
    amount: a.amount.toString(),
    allowance: a.allowance.toString(),
    needed: a.needed,
    transaction: a.needed ? approvalCall(chain, a.depositor as Address, a.token as Address, a.amount) : null,
  };
}
