// The steps a run is made of, as fast-check commands: each sends one transaction to the real
// contract (or moves the clock), asks the model what it must do, compares, and checks every
// invariant. Arguments are drawn as roles and indices and resolved against the model when the
// step runs, so a shrunk sequence still means something.

import fc from 'fast-check';
import { type Address, decodeErrorResult, encodeFunctionData, formatUnits, type Hex, parseEventLogs, zeroAddress } from 'viem';
import { erc3643ComplianceAbi } from '../generated/Erc3643Compliance.ts';
import { erc3643IdentityRegistryAbi } from '../generated/Erc3643IdentityRegistry.ts';
import { erc3643TokenAbi } from '../generated/Erc3643Token.ts';
import { falseReturningTokenAbi } from '../generated/FalseReturningToken.ts';
import { freezableTokenAbi } from '../generated/FreezableToken.ts';
import { lockstepEscrowAbi } from '../generated/LockstepEscrow.ts';
import { reentrantTokenAbi } from '../generated/ReentrantToken.ts';
import { RevertedCall, type TxRequest } from './anvil.ts';
import { checkInvariants, InvariantViolation } from './invariants.ts';
import * as escrow from './model.ts';
import { type EscrowState, type ExpectedEvent, type LegTerms, type Model, reason, type TokenKind } from './model.ts';
import { ESCROW_SLOTS, escrowIdOf, type World } from './world.ts';

/** fast-check's model: the escrow model, replaced as a whole after each step. */
export interface Harness {
  model: Model;
}

export interface Stats {
  steps: number;
  /** Per command: how often it ran and how its transactions ended ("ok" or the error's name). */
  outcomes: Record<string, Record<string, number>>;
  /** The escrow's events over all mined steps, by name. */
  events: Record<string, number>;
  /** Calls back into the escrow the reentrant token made (each refused). */
  reentryAttempts: bigint;
}

export interface Real {
  world: World;
  /** The model of the world as deployed: where every account's ledger starts. */
  start: Model;
  stats: Stats;
  /** Each step of the current run as it ran (aimed steps with the escrow and leg they went to). */
  trace: string[];
}

type Command = fc.AsyncCommand<Harness, Real>;

function record(stats: Stats, command: string, outcome: string): void {
  stats.steps += 1;
  const counts = (stats.outcomes[command] ??= {});
  counts[outcome] = (counts[outcome] ?? 0) + 1;
}

function errorName(world: World, data: Hex): string {
  if (data === '0x') return 'revert()';
  try {
    const { errorName, args } = decodeErrorResult({ abi: world.errorAbi, data });
    // require(condition, "reason"), as T-REX reverts: named by its reason, as the model names it.
    return errorName === 'Error' ? reason(String(args?.[0])) : errorName;
  } catch {
    return `unknown error ${data.slice(0, 10)}`;
  }
}

const show = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * One transaction: the model decides what it must do, and the chain must agree on success and
 * the escrow's events (checked after the chain's own invariants), or on the revert's error. A
 * transaction the model says reverts runs as a call at the next block's timestamp (the state and
 * clock a mined one would meet): it must revert with that error, and as nothing changes, there is
 * nothing to mine or check again. One the model says succeeds is mined, and every invariant is
 * checked on the chain it leaves.
 */
async function transaction(h: Harness, r: Real, step: Command, command: string, tx: TxRequest, apply: (draft: Model) => ExpectedEvent[]): Promise<void> {
  const { world } = r;
  r.trace.push(String(step));
  const { model: next, outcome } = escrow.transact(h.model, apply);
  const mismatch = (details: string) => new InvariantViolation('each step does what the model says', `${command}: ${details}`);
  if (!outcome.ok) {
    const result = await world.rpc.call(tx, { timestamp: h.model.now });
    if (!(result instanceof RevertedCall)) throw mismatch(`succeeds, model says it reverts with ${outcome.error}`);
    const error = errorName(world, result.data);
    if (error !== outcome.error) throw mismatch(`reverts with ${error}, model says ${outcome.error}`);
    record(r.stats, command, error);
    return;
  }
  const receipt = await world.rpc.send(tx);
  if (receipt.status !== '0x1') throw mismatch(`reverted with ${errorName(world, await world.rpc.revertData(tx, receipt))}, model says it succeeds`);
  if (BigInt(receipt.blockTimestamp) !== h.model.now) throw mismatch(`mined at ${BigInt(receipt.blockTimestamp)}, model's clock says ${h.model.now}`);
  h.model = next;
  h.model.now += 1n; // anvil mines the next block one second later (anvil_setBlockTimestampInterval)
  record(r.stats, command, 'ok');
  for (const { eventName } of outcome.events) r.stats.events[eventName] = (r.stats.events[eventName] ?? 0) + 1;
  const logs = receipt.logs.filter((l) => l.address.toLowerCase() === world.escrow.toLowerCase());
  const seen = parseEventLogs({ abi: lockstepEscrowAbi, logs }).map(({ eventName, args }) => ({ eventName, args }));
  await checkInvariants(world, h.model, r.start, () => {
    if (show(seen) !== show(outcome.events)) throw mismatch(`emitted ${show(seen)}, model says ${show(outcome.events)}`);
  });
}

const legOf = (h: Harness, slot: number, leg: number) => h.model.escrows[escrowIdOf(slot)]?.legs[leg];

interface Target {
  slot: number;
  leg: number;
}

/**
 * Where an aimed step goes: the n-th (wrapping) of the places the model says it can do something,
 * so that most steps meet an escrow in the right state; an unaimed step, or an aimed one with
 * nowhere to go, goes where its slot and leg say.
 */
function aim(h: Readonly<Harness>, drawn: Target, aimed: boolean, fits: Fits, perLeg: boolean): Target {
  if (!aimed) return drawn;
  const found = candidates(h, fits, perLeg);
  return found[(drawn.slot * 4 + drawn.leg) % found.length] ?? drawn;
}

type Fits = (h: Readonly<Harness>, escrow: EscrowState, leg: number) => boolean;

function candidates(h: Readonly<Harness>, fits: Fits, perLeg: boolean): Target[] {
  const found: Target[] = [];
  for (let slot = 0; slot < ESCROW_SLOTS; slot++) {
    const e = h.model.escrows[escrowIdOf(slot)];
    if (!e) continue;
    const legs = perLeg ? e.legs.map((_, i) => i) : [0];
    for (const leg of legs) if (fits(h, e, leg)) found.push({ slot, leg });
  }
  return found;
}

/** An aimed step with nowhere to go is left out of the run (fast-check skips it). */
const canAim = (h: Readonly<Harness>, aimed: boolean, fits: Fits, perLeg: boolean) => !aimed || candidates(h, fits, perLeg).length > 0;

const open = (h: Readonly<Harness>, e: EscrowState) => e.status === 'Registered' && e.deadline >= h.model.now;
const toDeposit: Fits = (h, e, i) => open(h, e) && !e.legs[i]!.deposited;
const toSettle: Fits = (h, e) => open(h, e) && e.legs.every((l) => l.deposited);
const toRefund: Fits = (_, e) => e.status === 'Registered';
const toClaim: Fits = (_, e, i) => e.refundOwed[i] === true;

const aimedLabel = (aimed: boolean) => (aimed ? ' aimed' : '');

type Role = 'operator' | 'formerOperator' | 'stranger' | 'depositor' | 'recipient';

/** The account playing `role` now; a leg's depositor or recipient falls back to the first party when the leg does not exist. */
function account(h: Harness, r: Real, role: Role, slot = 0, leg = 0): Address {
  const { operators, stranger, parties } = r.world;
  switch (role) {
    case 'operator':
      return h.model.operator;
    case 'formerOperator':
      return operators.find((a) => a !== h.model.operator) ?? operators[0];
    case 'stranger':
      return stranger;
    case 'depositor':
      return legOf(h, slot, leg)?.depositor ?? parties[0]!;
    case 'recipient':
      return legOf(h, slot, leg)?.recipient ?? parties[0]!;
  }
}

const escrowCall = (r: Real, from: Address, data: Hex): TxRequest => ({ from, to: r.world.escrow, data });

// ---- the escrow's functions -------------------------------------------------------------------

interface LegSpec {
  token: number;
  depositor: number;
  recipient: number;
  amount: number;
  /** One field left as the zero address: invalid terms. */
  blank: 'token' | 'depositor' | 'recipient' | null;
}

/** Leg amounts in units of the token: 0 (invalid), under the fee token's 100-unit threshold, whole tokens, more than a party holds. */
function amountOf(decimals: number, index: number): bigint {
  const unit = 10n ** BigInt(decimals);
  return [0n, 1n, 99n, unit, (25n * unit) / 10n, 40n * unit, 1000n * unit][index]!;
}


function legTerms(r: Real, spec: LegSpec): LegTerms {
  const { tokens, parties } = r.world;
  const token = tokens[spec.token % tokens.length]!;
  const terms = {
    token: token.address,
    depositor: parties[spec.depositor % parties.length]!,
    recipient: parties[spec.recipient % parties.length]!,
    amount: amountOf(token.decimals, spec.amount),
  };
  return spec.blank ? { ...terms, [spec.blank]: zeroAddress } : terms;
}

const PARTY_NAMES = ['alice', 'bob', 'carol'];

function describeLeg(r: Real, leg: LegTerms): string {
  const token = r.world.tokens.find((t) => t.address === leg.token);
  const party = (a: Address) => PARTY_NAMES[r.world.parties.indexOf(a)] ?? (a === zeroAddress ? 'nobody' : a);
  const amount = token ? `${formatUnits(leg.amount, token.decimals)} ${token.symbol}` : `${leg.amount} of no token`;
  return `{${amount} ${party(leg.depositor)}→${party(leg.recipient)}}`;
}

class Register implements Command {
  private slot: number;
  /** The legs as they ran: token symbol, amount in tokens, depositor → recipient. */
  private described?: string[];
  constructor(
    readonly drawnSlot: number,
    readonly legs: LegSpec[],
    readonly deadlineOffset: bigint,
    readonly sender: 'operator' | 'formerOperator',
    readonly aimed: boolean,
  ) {
    this.slot = drawnSlot;
  }
  check = () => true;
  async run(h: Harness, r: Real) {
    // Aimed: at the first free slot, if any.
    const free = Array.from({ length: ESCROW_SLOTS }, (_, i) => i).find((i) => !h.model.escrows[escrowIdOf(i)]);
    this.slot = this.aimed && free !== undefined ? free : this.drawnSlot;
    const id = escrowIdOf(this.slot);
    const legs = this.legs.map((spec) => legTerms(r, spec));
    this.described = legs.map((leg) => describeLeg(r, leg));
    const deadline = h.model.now + this.deadlineOffset;
    const from = account(h, r, this.sender);
    await transaction(h, r, this, 'register', escrowCall(r, from, encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'register', args: [id, legs, deadline] })), (m) =>
      escrow.register(m, from, id, legs, deadline),
    );
  }
  toString() {
    const legs = this.described ?? this.legs.map((l) => `{token ${l.token} ${l.depositor}→${l.recipient} amount#${l.amount}${l.blank ? ` no ${l.blank}` : ''}}`);
    return `register(#${this.slot}, [${legs.join(' ')}], deadline now${this.deadlineOffset >= 0n ? '+' : ''}${this.deadlineOffset}, by ${this.sender}${aimedLabel(this.aimed)})`;
  }
}

/** The engine's blind retry: the registered terms again (a no-op), or with one change (refused). */
class RegisterAgain implements Command {
  constructor(
    readonly slot: number,
    readonly change: 'none' | 'amount' | 'deadline',
  ) {}
  check = (h: Readonly<Harness>) => h.model.escrows[escrowIdOf(this.slot)] !== undefined;
  async run(h: Harness, r: Real) {
    const id = escrowIdOf(this.slot);
    const stored = h.model.escrows[id]!;
    const legs: LegTerms[] = stored.legs.map(({ token, depositor, recipient, amount }, i) => ({
      token,
      depositor,
      recipient,
      amount: this.change === 'amount' && i === 0 ? amount + 1n : amount,
    }));
    const deadline = stored.deadline + (this.change === 'deadline' ? 1n : 0n);
    const from = h.model.operator;
    await transaction(h, r, this, 'registerAgain', escrowCall(r, from, encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'register', args: [id, legs, deadline] })), (m) =>
      escrow.register(m, from, id, legs, deadline),
    );
  }
  toString = () => `registerAgain(#${this.slot}, ${this.change === 'none' ? 'same terms' : `other ${this.change}`})`;
}

/** The escrow functions a step aims at an escrow (and leg) in the state where they can act. */
const AIMED = {
  // At a leg still to deposit in an open escrow.
  deposit: {
    fits: toDeposit,
    perLeg: true,
    data: (id: Hex, leg: number) => encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'deposit', args: [id, BigInt(leg)] }),
    apply: (m: Model, from: Address, id: Hex, leg: number) => escrow.deposit(m, from, id, leg),
  },
  // At an open escrow with every leg in.
  settle: {
    fits: toSettle,
    perLeg: false,
    data: (id: Hex) => encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'settle', args: [id] }),
    apply: (m: Model, from: Address, id: Hex) => escrow.settle(m, from, id),
  },
  // At an escrow not yet settled or refunded.
  refund: {
    fits: toRefund,
    perLeg: false,
    data: (id: Hex) => encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'refund', args: [id] }),
    apply: (m: Model, from: Address, id: Hex) => escrow.refund(m, from, id),
  },
  // At a refund still owed.
  claimRefund: {
    fits: toClaim,
    perLeg: true,
    data: (id: Hex, leg: number) => encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'claimRefund', args: [id, BigInt(leg)] }),
    apply: (m: Model, _from: Address, id: Hex, leg: number) => escrow.claimRefund(m, id, leg),
  },
} as const;

class AimedCall implements Command {
  private target: Target;
  constructor(
    readonly fn: keyof typeof AIMED,
    readonly drawn: Target,
    readonly sender: Role,
    readonly aimed: boolean,
  ) {
    this.target = drawn;
  }
  check = (h: Readonly<Harness>) => canAim(h, this.aimed, AIMED[this.fn].fits, AIMED[this.fn].perLeg);
  async run(h: Harness, r: Real) {
    const spec = AIMED[this.fn];
    const { slot, leg } = (this.target = aim(h, this.drawn, this.aimed, spec.fits, spec.perLeg));
    const id = escrowIdOf(slot);
    const from = account(h, r, this.sender, slot, leg);
    await transaction(h, r, this, this.fn, escrowCall(r, from, spec.data(id, leg)), (m) => spec.apply(m, from, id, leg));
  }
  toString = () => `${this.fn}(#${this.target.slot}${AIMED[this.fn].perLeg ? `, leg ${this.target.leg}` : ''}, by ${this.sender}${aimedLabel(this.aimed)})`;
}

class HandOver implements Command {
  constructor(readonly to: 'formerOperator' | 'operator' | 'zero', readonly sender: 'operator' | 'formerOperator' | 'stranger') {}
  check = () => true;
  async run(h: Harness, r: Real) {
    const newOperator = this.to === 'zero' ? zeroAddress : account(h, r, this.to);
    const from = account(h, r, this.sender);
    await transaction(h, r, this, 'setOperator', escrowCall(r, from, encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'setOperator', args: [newOperator] })), (m) =>
      escrow.setOperator(m, from, newOperator),
    );
  }
  toString = () => `setOperator(${this.to}, by ${this.sender})`;
}

// ---- the clock ----------------------------------------------------------------------------------

/** Moves the chain's clock: the next block is mined `seconds` later than it would have been. */
async function jump(h: Harness, r: Real, step: Command, command: string, to: bigint): Promise<void> {
  r.trace.push(String(step));
  await r.world.rpc.setNextBlockTimestamp(to);
  h.model.now = to;
  record(r.stats, command, 'ok');
  await checkInvariants(r.world, h.model, r.start);
}

class Warp implements Command {
  constructor(readonly seconds: bigint) {}
  check = () => true;
  run = (h: Harness, r: Real) => jump(h, r, this, 'warp', h.model.now + this.seconds);
  toString = () => `warp(+${this.seconds}s)`;
}

/** To just before, at or just after an escrow's deadline: where the deadline rules change. */
class WarpToDeadline implements Command {
  constructor(readonly slot: number, readonly offset: bigint) {}
  private target = (h: Readonly<Harness>) => {
    const deadline = h.model.escrows[escrowIdOf(this.slot)]?.deadline;
    return deadline === undefined ? undefined : deadline + this.offset;
  };
  check = (h: Readonly<Harness>) => (this.target(h) ?? 0n) > h.model.now;
  run = (h: Harness, r: Real) => jump(h, r, this, 'warpToDeadline', this.target(h)!);
  toString = () => `warpToDeadline(#${this.slot}, ${this.offset >= 0n ? '+' : ''}${this.offset}s)`;
}

// ---- the tokens' switches -----------------------------------------------------------------------

const tokenOfKind = (r: Real, kind: TokenKind) => r.world.tokens.find((t) => t.kind === kind)!.address;

/** Switches a test token's failure on or off: the freezable token's freeze, the false-returning token's failing. */
class TokenSwitch implements Command {
  constructor(
    readonly kind: 'freezable' | 'falseReturning',
    readonly on: boolean,
  ) {}
  check = () => true;
  async run(h: Harness, r: Real) {
    const token = tokenOfKind(r, this.kind);
    const [command, data, change] =
      this.kind === 'freezable'
        ? (['freeze', encodeFunctionData({ abi: freezableTokenAbi, functionName: 'setFrozen', args: [this.on] }), { frozen: this.on }] as const)
        : (['failTransfers', encodeFunctionData({ abi: falseReturningTokenAbi, functionName: 'setFailing', args: [this.on] }), { failing: this.on }] as const);
    await transaction(h, r, this, command, { from: r.world.stranger, to: token, data }, (m) => escrow.adjustToken(m, token, change));
  }
  toString = () => (this.kind === 'freezable' ? `freezeToken(${this.on})` : `falseReturningToken(failing ${this.on})`);
}

type Reentry = 'off' | 'refund' | 'claimRefund' | 'deposit' | 'settle' | 'register' | 'setOperator';

/** Arms the reentrant token with a call back into the escrow, made during its next transfers. */
class ArmReentry implements Command {
  private target: Target;
  constructor(
    readonly call: Reentry,
    readonly drawn: Target,
    readonly aimed: boolean,
  ) {
    this.target = drawn;
  }
  check = () => true;
  private callData(h: Harness, r: Real): Hex {
    // Aimed: a refund at an open escrow (the call goes through once its deadline has passed,
    // but for the guard), a claim at a refund still owed.
    if (this.call === 'refund') this.target = aim(h, this.drawn, this.aimed, toRefund, false);
    if (this.call === 'claimRefund') this.target = aim(h, this.drawn, this.aimed, toClaim, true);
    const id = escrowIdOf(this.target.slot);
    const leg = BigInt(this.target.leg);
    switch (this.call) {
      case 'off':
        return '0x';
      case 'refund':
      case 'settle':
        return encodeFunctionData({ abi: lockstepEscrowAbi, functionName: this.call, args: [id] });
      case 'claimRefund':
      case 'deposit':
        return encodeFunctionData({ abi: lockstepEscrowAbi, functionName: this.call, args: [id, leg] });
      case 'register': {
        const terms = { token: tokenOfKind(r, 'reentrant'), depositor: r.world.parties[0]!, recipient: r.world.parties[1]!, amount: 1n };
        return encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'register', args: [id, [terms], h.model.now + 3600n] });
      }
      case 'setOperator':
        return encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'setOperator', args: [r.world.stranger] });
    }
  }
  async run(h: Harness, r: Real) {
    const token = tokenOfKind(r, 'reentrant');
    const data = encodeFunctionData({ abi: reentrantTokenAbi, functionName: 'arm', args: [r.world.escrow, this.callData(h, r)] });
    await transaction(h, r, this, 'armReentry', { from: r.world.stranger, to: token, data }, (m) => escrow.adjustToken(m, token, { armed: this.call !== 'off' }));
  }
  toString = () => (this.call === 'off' ? 'disarmReentry()' : `armReentry(${this.call} #${this.target.slot} leg ${this.target.leg}${aimedLabel(this.aimed)})`);
}

// ---- the ERC-3643 token's agent and its compliance contract's owner ------------------------------

type Wallet = 'alice' | 'bob' | 'carol' | 'escrow' | 'stranger';

function walletOf(r: Real, wallet: Wallet): Address {
  if (wallet === 'escrow') return r.world.escrow;
  if (wallet === 'stranger') return r.world.stranger;
  return r.world.parties[PARTY_NAMES.indexOf(wallet)]!;
}

type Permission =
  | { kind: 'pause'; on: boolean }
  | { kind: 'freezeWallet'; wallet: Wallet; on: boolean }
  | { kind: 'freezeShares'; wallet: Wallet; shares: bigint; on: boolean }
  | { kind: 'verify'; wallet: Wallet; on: boolean }
  | { kind: 'restrict'; wallet: Wallet; on: boolean }
  | { kind: 'limitTransfers'; limit: bigint }
  | { kind: 'forcedTransfer'; from: Wallet; to: Wallet; shares: bigint };

/** One change to what the ERC-3643 token allows, sent as its agent (the compliance rules: as their owner). */
class Permit implements Command {
  constructor(readonly change: Permission) {}
  check = () => true;
  async run(h: Harness, r: Real) {
    const token = tokenOfKind(r, 'permissioned');
    const { agent, registry, compliance, operators } = r.world;
    const c = this.change;
    const call = (to: Address, data: Hex, apply: (m: Model) => ExpectedEvent[], from = agent) => transaction(h, r, this, c.kind, { from, to, data }, apply);
    switch (c.kind) {
      case 'pause':
        return call(token, encodeFunctionData({ abi: erc3643TokenAbi, functionName: c.on ? 'pause' : 'unpause' }), (m) => escrow.pause(m, token, c.on));
      case 'freezeWallet': {
        const wallet = walletOf(r, c.wallet);
        return call(token, encodeFunctionData({ abi: erc3643TokenAbi, functionName: 'setAddressFrozen', args: [wallet, c.on] }), (m) => escrow.freezeWallet(m, token, wallet, c.on));
      }
      case 'freezeShares': {
        const wallet = walletOf(r, c.wallet);
        const functionName = c.on ? 'freezePartialTokens' : 'unfreezePartialTokens';
        return call(token, encodeFunctionData({ abi: erc3643TokenAbi, functionName, args: [wallet, c.shares] }), (m) => escrow.freezeShares(m, token, wallet, c.shares, c.on));
      }
      case 'verify': {
        const wallet = walletOf(r, c.wallet);
        const data = c.on
          ? encodeFunctionData({ abi: erc3643IdentityRegistryAbi, functionName: 'registerIdentity', args: [wallet, wallet, 56] })
          : encodeFunctionData({ abi: erc3643IdentityRegistryAbi, functionName: 'deleteIdentity', args: [wallet] });
        return call(registry, data, (m) => escrow.verify(m, token, wallet, c.on));
      }
      case 'restrict': {
        const wallet = walletOf(r, c.wallet);
        const data = encodeFunctionData({ abi: erc3643ComplianceAbi, functionName: 'setRestricted', args: [wallet, c.on] });
        return call(compliance, data, (m) => escrow.restrict(m, token, wallet, c.on), operators[0]);
      }
      case 'limitTransfers': {
        const data = encodeFunctionData({ abi: erc3643ComplianceAbi, functionName: 'setTransferLimit', args: [c.limit] });
        return call(compliance, data, (m) => escrow.limitTransfers(m, token, c.limit), operators[0]);
      }
      case 'forcedTransfer': {
        const [from, to] = [walletOf(r, c.from), walletOf(r, c.to)];
        const data = encodeFunctionData({ abi: erc3643TokenAbi, functionName: 'forcedTransfer', args: [from, to, c.shares] });
        return call(token, data, (m) => escrow.forcedTransfer(m, token, from, to, c.shares));
      }
    }
  }
  toString = () => {
    const c = this.change;
    switch (c.kind) {
      case 'pause':
        return `bond.${c.on ? 'pause' : 'unpause'}()`;
      case 'freezeWallet':
      case 'verify':
      case 'restrict':
        return `bond.${c.kind}(${c.wallet}, ${c.on})`;
      case 'freezeShares':
        return `bond.${c.on ? 'freeze' : 'unfreeze'}Shares(${c.wallet}, ${c.shares})`;
      case 'limitTransfers':
        return `bond.limitTransfers(${c.limit === 0n ? 'none' : c.limit})`;
      case 'forcedTransfer':
        return `bond.forcedTransfer(${c.from} → ${c.to}, ${c.shares})`;
    }
  };
}

// ---- what a run is drawn from -------------------------------------------------------------------

const slot = fc.nat({ max: ESCROW_SLOTS - 1 });
const legIndex = fc.nat({ max: 3 }); // escrows have up to 3 legs: 3 is out of range
const target: fc.Arbitrary<Target> = fc.record({ slot, leg: legIndex });
/** Four steps in five go where they can do something. */
const aimed = fc.nat({ max: 4 }).map((n) => n > 0);
const legSpec: fc.Arbitrary<LegSpec> = fc.record({
  token: fc.nat({ max: 31 }),
  depositor: fc.nat({ max: 2 }),
  recipient: fc.nat({ max: 2 }),
  // Indices into amountOf: zero (invalid) and more than a party holds are rare.
  amount: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(6) }, { weight: 12, arbitrary: fc.integer({ min: 1, max: 5 }) }),
  blank: fc.oneof({ arbitrary: fc.constant(null), weight: 40 }, fc.constantFrom('token' as const, 'depositor' as const, 'recipient' as const)),
});
const legs = fc.oneof({ weight: 1, arbitrary: fc.constant<LegSpec[]>([]) }, { weight: 15, arbitrary: fc.array(legSpec, { minLength: 1, maxLength: 3 }) });
/** Deadlines relative to the next block: the past and the present are invalid; the next few seconds meet the boundaries. */
const deadlineOffset = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(-5n, 0n) },
  { weight: 2, arbitrary: fc.constantFrom(1n, 2n, 5n) },
  { weight: 5, arbitrary: fc.constantFrom(30n, 120n, 600n, 3600n, 86_400n) },
);
const offMostly = fc.constantFrom(true, false, false);
const operatorMostly = fc.constantFrom('operator' as const, 'operator' as const, 'operator' as const, 'operator' as const, 'formerOperator' as const);

const party = fc.constantFrom<Wallet>('alice', 'bob', 'carol');
const anyWallet = fc.constantFrom<Wallet>('alice', 'bob', 'carol', 'escrow', 'escrow', 'stranger');
/** Switched back twice as often as away from the start (nothing paused, frozen or restricted; the parties and the escrow verified). */
const awayMostlyNot = (away: boolean) => fc.constantFrom(away, !away, !away);
const permission: fc.Arbitrary<Permission> = fc.oneof(
  { weight: 1, arbitrary: awayMostlyNot(true).map((on) => ({ kind: 'pause' as const, on })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('freezeWallet' as const), wallet: anyWallet, on: awayMostlyNot(true) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('freezeShares' as const), wallet: party, shares: fc.constantFrom(1n, 10n, 60n), on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('verify' as const), wallet: anyWallet, on: awayMostlyNot(false) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restrict' as const), wallet: anyWallet, on: awayMostlyNot(true) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('limitTransfers' as const), limit: fc.constantFrom(0n, 0n, 5n, 50n) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forcedTransfer' as const), from: party, to: fc.constantFrom<Wallet>('alice', 'bob', 'carol', 'stranger'), shares: fc.constantFrom(1n, 10n, 150n) }) },
);

export const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(slot, legs, deadlineOffset, operatorMostly, aimed).map(([s, l, offset, who, a]) => new Register(s, l, offset, who, a)) },
  { weight: 1, arbitrary: fc.tuple(slot, fc.constantFrom('none' as const, 'amount' as const, 'deadline' as const)).map(([s, change]) => new RegisterAgain(s, change)) },
  {
    weight: 10,
    arbitrary: fc.tuple(target, fc.constantFrom('depositor' as const, 'depositor' as const, 'depositor' as const, 'recipient' as const, 'stranger' as const), aimed).map(([t, who, a]) => new AimedCall('deposit', t, who, a)),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(target, fc.oneof({ weight: 5, arbitrary: fc.constant('operator' as const) }, fc.constantFrom('formerOperator' as const, 'stranger' as const)), aimed).map(([t, who, a]) => new AimedCall('settle', t, who, a)),
  },
  { weight: 4, arbitrary: fc.tuple(target, fc.constantFrom('operator' as const, 'formerOperator' as const, 'stranger' as const, 'depositor' as const), aimed).map(([t, who, a]) => new AimedCall('refund', t, who, a)) },
  { weight: 3, arbitrary: fc.tuple(target, fc.constantFrom('stranger' as const, 'depositor' as const), aimed).map(([t, who, a]) => new AimedCall('claimRefund', t, who, a)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('formerOperator' as const, 'operator' as const, 'zero' as const), fc.constantFrom('operator' as const, 'formerOperator' as const, 'stranger' as const)).map(([to, who]) => new HandOver(to, who)),
  },
  { weight: 2, arbitrary: fc.constantFrom(1n, 2n, 10n, 60n, 600n, 3600n, 86_400n).map((s) => new Warp(s)) },
  { weight: 3, arbitrary: fc.tuple(slot, fc.constantFrom(-1n, 0n, 1n, 2n)).map(([s, offset]) => new WarpToDeadline(s, offset)) },
  // Switched off twice as often as on: a token that refuses transfers a third of the time.
  { weight: 3, arbitrary: offMostly.map((frozen) => new TokenSwitch('freezable', frozen)) },
  { weight: 3, arbitrary: offMostly.map((failing) => new TokenSwitch('falseReturning', failing)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom<Reentry>('off', 'refund', 'refund', 'claimRefund', 'claimRefund', 'deposit', 'settle', 'register', 'setOperator'), target, aimed)
      .map(([call, t, a]) => new ArmReentry(call, t, a)),
  },
  { weight: 5, arbitrary: permission.map((change) => new Permit(change)) },
);
