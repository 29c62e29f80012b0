// What must hold after every step, checked against what the chain holds. The first four are read
// from the chain alone (the escrow's own records and the token balances), so they hold whatever
// the model says; the last compares every balance, escrow and counter with the model.

import { type Address, formatUnits } from 'viem';
import type { Model } from './model.ts';
import type { Observation, World } from './world.ts';

export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    details: string,
  ) {
    super(`invariant "${invariant}" violated: ${details}`);
  }
}

const fail = (invariant: string, details: string): never => {
  throw new InvariantViolation(invariant, details);
};

/** What a recipient receives when the escrow pays `amount` out (the fee token burns 1%). */
function received(world: World, token: Address, amount: bigint): bigint {
  return world.tokens.find((t) => t.address === token)?.kind === 'feeOnTransfer' ? amount - amount / 100n : amount;
}

/** "2.5 USDC": base units in the token's decimals. */
function tokens(world: World, token: Address, units: bigint): string {
  const info = world.tokens.find((t) => t.address === token);
  return info ? `${formatUnits(units, info.decimals)} ${info.symbol}` : `${units} units of ${token}`;
}

/** For each token, the escrow holds exactly what it owes: open deposits and refunds it could not pay yet. */
function escrowHoldsWhatItOwes(world: World, seen: Observation): void {
  for (const { address: token } of world.tokens) {
    let owed = 0n;
    for (const escrow of Object.values(seen.escrows)) {
      escrow?.legs.forEach((leg, i) => {
        if (leg.token !== token) return;
        if ((escrow.status === 'Registered' && leg.deposited) || (escrow.status === 'Refunded' && escrow.refundOwed[i])) owed += leg.amount;
      });
    }
    const held = seen.balances[token]![world.escrow]!;
    if (held !== owed) fail('the escrow holds what it owes', `it holds ${tokens(world, token, held)} but owes ${tokens(world, token, owed)}`);
  }
}

/** A settled escrow had every leg in and owes nothing; a refunded one owes only legs that were deposited; an open one owes no refund. */
function closedEscrowsHoldOnlyOwedRefunds(seen: Observation): void {
  for (const [id, escrow] of Object.entries(seen.escrows)) {
    if (!escrow) continue;
    escrow.legs.forEach((leg, i) => {
      const owed = escrow.refundOwed[i];
      if (escrow.status === 'Settled' && (!leg.deposited || owed)) fail('a settled escrow holds nothing', `escrow ${id} leg ${i} deposited=${leg.deposited} refundOwed=${owed}`);
      if (escrow.status === 'Refunded' && owed && !leg.deposited) fail('a refunded escrow holds only owed refunds', `escrow ${id} owes a refund of leg ${i}, never deposited`);
      if (escrow.status === 'Registered' && owed) fail('an open escrow owes no refund', `escrow ${id} leg ${i}`);
    });
  }
}

/**
 * No account has less of a token than at the start unless it delivered it into a settled escrow
 * whose every leg (its counter-leg included) was paid: each account's balance is its start, less
 * what the escrow holds of its deposits, less what it delivered in settled escrows, plus what it
 * received from settled escrows, plus what an ERC-3643 agent moved by force (the model's count).
 */
function nobodyLosesWithoutTheCounterLeg(world: World, seen: Observation, start: Model, model: Model): void {
  for (const account of world.holders.filter((h) => h !== world.escrow)) {
    for (const { address: token } of world.tokens) {
      let expected = (start.tokens[token]!.balances[account] ?? 0n) + (model.tokens[token]!.outside[account] ?? 0n);
      for (const escrow of Object.values(seen.escrows)) {
        escrow?.legs.forEach((leg, i) => {
          if (leg.token !== token) return;
          const inEscrow = (escrow.status === 'Registered' && leg.deposited) || (escrow.status === 'Refunded' && escrow.refundOwed[i]);
          if (leg.depositor === account && (inEscrow || escrow.status === 'Settled')) expected -= leg.amount;
          if (leg.recipient === account && escrow.status === 'Settled') expected += received(world, token, leg.amount);
        });
      }
      const held = seen.balances[token]![account]!;
      if (held !== expected) fail('nobody loses a token without the counter-leg', `${account} holds ${tokens(world, token, held)}; its legs account for ${tokens(world, token, expected)}`);
    }
  }
}

function reentryChangesNothing(seen: Observation): void {
  if (seen.reentrySuccesses !== 0n) fail('a reentrant call changes nothing', `${seen.reentrySuccesses} call(s) back into the escrow during a transfer went through`);
}

/** Once an open escrow's deadline has passed, a stranger's refund goes through: the operator's absence never locks funds. */
function anyoneRefundsAfterTheDeadline(seen: Observation): void {
  if (seen.refundBlocked.length > 0) fail('after the deadline anyone can refund', `a stranger's refund of ${seen.refundBlocked.join(', ')} reverts`);
}

const show = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** Every balance, escrow, the operator and the reentry count are what the model says. */
function chainMatchesModel(world: World, seen: Observation, model: Model): void {
  if (seen.operator !== model.operator) fail('the chain matches the model', `operator is ${seen.operator}, model says ${model.operator}`);
  for (const { address: token } of world.tokens) {
    for (const [holder, balance] of Object.entries(seen.balances[token]!)) {
      const expected = model.tokens[token]!.balances[holder as Address] ?? 0n;
      if (balance !== expected) fail('the chain matches the model', `${holder} holds ${tokens(world, token, balance)}, model says ${tokens(world, token, expected)}`);
    }
  }
  for (const id of world.escrowIds) {
    const onChain = seen.escrows[id];
    const modelled = model.escrows[id];
    if (show(onChain) !== show(modelled)) fail('the chain matches the model', `escrow ${id} is ${show(onChain)}, model says ${show(modelled)}`);
  }
  const permissions = Object.values(model.tokens).find((t) => t.permissions)?.permissions;
  if (show(seen.permissions) !== show(permissions)) fail('the chain matches the model', `the ERC-3643 token's permissions are ${show(seen.permissions)}, model says ${show(permissions)}`);
  const attempts = Object.values(model.tokens).reduce((sum, t) => sum + t.reentryAttempts, 0n);
  if (seen.reentryAttempts !== attempts) fail('the chain matches the model', `${seen.reentryAttempts} reentry attempts, model says ${attempts}`);
}

/**
 * Reads the chain once and checks every invariant, throwing InvariantViolation on the first that
 * fails: those read from the chain alone first, so a defect is named by the rule it breaks; then
 * `matchesStep` (the step's own comparison, such as its events) and the whole model.
 */
export async function checkInvariants(world: World, model: Model, start: Model, matchesStep?: () => void): Promise<void> {
  const seen = await world.observe(model.now);
  escrowHoldsWhatItOwes(world, seen);
  closedEscrowsHoldOnlyOwedRefunds(seen);
  nobodyLosesWithoutTheCounterLeg(world, seen, start, model);
  reentryChangesNothing(seen);
  anyoneRefundsAfterTheDeadline(seen);
  matchesStep?.();
  chainMatchesModel(world, seen, model);
}
