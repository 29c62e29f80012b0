// What the escrow should hold, in TypeScript: the model the invariant suite runs beside the real
// contract. Each escrow function is written from its specification (docs/architecture.md, the
// contract's NatSpec), together with how each test token moves balances, and answers the outcome
// the chain must show: success with its events, or the error it must revert with.
// Pure: no I/O, so a step can be tried on a copy and dropped when the transaction reverts.

import { type Address, encodeAbiParameters, type Hex, keccak256, zeroAddress } from 'viem';

/** How a test token behaves when asked to move funds (contracts/test and contracts/DemoToken.sol). */
export type TokenKind = 'plain' | 'feeOnTransfer' | 'freezable' | 'falseReturning' | 'reentrant' | 'permissioned';

/** An ERC-3643 token's permissions (contracts/test/erc3643): its own, its identity registry's and its compliance's. */
export interface Permissions {
  paused: boolean;
  /** Wallets an agent froze: they neither send nor receive. */
  frozen: Record<Address, boolean>;
  /** Part of a balance an agent froze: it cannot be sent. */
  frozenTokens: Record<Address, bigint>;
  /** Registered in the identity registry. */
  verified: Record<Address, boolean>;
  /** Barred by the compliance contract from sending or receiving. */
  restricted: Record<Address, boolean>;
  /** The compliance contract's cap on one transfer; 0 is none. */
  transferLimit: bigint;
}

export interface TokenState {
  kind: TokenKind;
  /** Every tracked holder (accounts and the escrow); anything else holds nothing. */
  balances: Record<Address, bigint>;
  /** FreezableToken: every transfer reverts. */
  frozen: boolean;
  /** FalseReturningToken: every transfer answers false. */
  failing: boolean;
  /** ReentrantToken: calls back into the escrow after each transfer. */
  armed: boolean;
  reentryAttempts: bigint;
  /** Erc3643Token only. */
  permissions?: Permissions;
  /** What each holder gained (or lost, negative) outside the escrow: an agent's forced transfers. */
  outside: Record<Address, bigint>;
}

export type Status = 'None' | 'Registered' | 'Settled' | 'Refunded';
export const STATUS_CODES: Record<Status, number> = { None: 0, Registered: 1, Settled: 2, Refunded: 3 };

export interface LegTerms {
  token: Address;
  depositor: Address;
  recipient: Address;
  amount: bigint;
}

export interface EscrowState {
  status: Exclude<Status, 'None'>;
  deadline: bigint;
  termsHash: Hex;
  legs: (LegTerms & { deposited: boolean })[];
  refundOwed: boolean[];
}

export interface Model {
  /** block.timestamp of the next transaction: anvil mines each block one second after the last. */
  now: bigint;
  operator: Address;
  escrowAddress: Address;
  escrows: Record<Hex, EscrowState>;
  tokens: Record<Address, TokenState>;
}

export interface ExpectedEvent {
  eventName: string;
  args: Record<string, unknown>;
}

/** What a transaction must do: succeed with these escrow events, or revert with this error. */
export type Outcome = { ok: true; events: ExpectedEvent[] } | { ok: false; error: string };

const revert = (error: string): Outcome => ({ ok: false, error });
const success = (events: ExpectedEvent[] = []): Outcome => ({ ok: true, events });

/** A failed token call: reverted (its error bubbles through SafeERC20) or answered false. */
type Transfer = { ok: true } | { ok: false; reverted: string | null };

class Reverted extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

export function termsHash(legs: readonly LegTerms[], deadline: bigint): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        {
          type: 'tuple[]',
          components: [
            { name: 'token', type: 'address' },
            { name: 'depositor', type: 'address' },
            { name: 'recipient', type: 'address' },
            { name: 'amount', type: 'uint256' },
          ],
        },
        { type: 'uint64' },
      ],
      [legs.map(({ token, depositor, recipient, amount }) => ({ token, depositor, recipient, amount })), deadline],
    ),
  );
}

export const balanceOf = (model: Model, token: Address, holder: Address): bigint => model.tokens[token]?.balances[holder] ?? 0n;

function credit(token: TokenState, holder: Address, amount: bigint): void {
  token.balances[holder] = (token.balances[holder] ?? 0n) + amount;
}

/** How Solidity's require(condition, reason) reverts, as the suite names it. */
export const reason = (text: string) => `Error("${text}")`;

/** Why T-REX's transfer or transferFrom refuses, in the order it checks; undefined when it allows it. */
function permissionRefusal(p: Permissions, balance: bigint, from: Address, to: Address, amount: bigint): string | undefined {
  if (p.paused) return reason('Pausable: Paused');
  if (p.frozen[to] || p.frozen[from]) return reason('wallet is frozen');
  if (amount > balance - (p.frozenTokens[from] ?? 0n)) return reason('Insufficient Balance');
  if (!p.verified[to] || !canTransfer(p, from, to, amount)) return reason('Transfer not possible');
  return undefined;
}

const canTransfer = (p: Permissions, from: Address, to: Address, amount: bigint) =>
  !p.restricted[from] && !p.restricted[to] && (p.transferLimit === 0n || amount <= p.transferLimit);

function tokenState(model: Model, tokenAddress: Address): TokenState {
  const token = model.tokens[tokenAddress];
  if (!token) throw new Error(`model has no token ${tokenAddress}`);
  return token;
}

/** One token transfer as the token itself performs it (transfer or transferFrom with an unlimited allowance). */
function tokenTransfer(model: Model, tokenAddress: Address, from: Address, to: Address, amount: bigint): Transfer {
  const token = tokenState(model, tokenAddress);
  const balance = token.balances[from] ?? 0n;
  switch (token.kind) {
    case 'permissioned': {
      const refusal = permissionRefusal(token.permissions!, balance, from, to, amount);
      if (refusal) return { ok: false, reverted: refusal };
      break;
    }
    case 'falseReturning':
      if (token.failing || balance < amount) return { ok: false, reverted: null };
      break;
    case 'freezable':
      if (token.frozen) return { ok: false, reverted: 'Frozen' };
      if (balance < amount) return { ok: false, reverted: 'ERC20InsufficientBalance' };
      break;
    default:
      if (balance < amount) return { ok: false, reverted: 'ERC20InsufficientBalance' };
  }
  token.balances[from] = balance - amount;
  // The fee is burnt, rounded down: amounts under 100 units move whole.
  credit(token, to, token.kind === 'feeOnTransfer' ? amount - amount / 100n : amount);
  // The reentrant call itself must fail (the escrow's guard); its success is an invariant violation, not modelled.
  if (token.kind === 'reentrant' && token.armed) token.reentryAttempts += 1n;
  return { ok: true };
}

/** SafeERC20.safeTransfer / safeTransferFrom: a revert bubbles, a false answer reverts with SafeERC20FailedOperation. */
function safeTransfer(model: Model, token: Address, from: Address, to: Address, amount: bigint): void {
  const result = tokenTransfer(model, token, from, to, amount);
  if (!result.ok) throw new Reverted(result.reverted ?? 'SafeERC20FailedOperation');
}

/**
 * Runs `body` on a copy of the model: kept when the transaction succeeds, dropped when it reverts,
 * as the chain keeps or drops the transaction's effects.
 */
export function transact(model: Model, body: (draft: Model) => ExpectedEvent[]): { model: Model; outcome: Outcome } {
  const draft = structuredClone(model);
  try {
    const events = body(draft);
    return { model: draft, outcome: success(events) };
  } catch (err) {
    if (err instanceof Reverted) return { model, outcome: revert(err.error) };
    throw err;
  }
}

function requireOperator(model: Model, sender: Address): void {
  if (sender !== model.operator) throw new Reverted('NotOperator');
}

function registered(model: Model, id: Hex): EscrowState {
  const escrow = model.escrows[id];
  if (escrow?.status !== 'Registered') throw new Reverted('WrongStatus');
  return escrow;
}

export function register(model: Model, sender: Address, id: Hex, legs: LegTerms[], deadline: bigint): ExpectedEvent[] {
  requireOperator(model, sender);
  const hash = termsHash(legs, deadline);
  const existing = model.escrows[id];
  // Idempotent for the engine's blind retries: the same terms are a no-op whatever the status.
  if (existing) {
    if (existing.termsHash === hash) return [];
    throw new Reverted('EscrowExists');
  }
  if (legs.length === 0 || deadline <= model.now) throw new Reverted('InvalidTerms');
  const incomplete = (leg: LegTerms) =>
    leg.amount === 0n || leg.token === zeroAddress || leg.depositor === zeroAddress || leg.recipient === zeroAddress;
  if (legs.some(incomplete)) throw new Reverted('InvalidTerms');
  model.escrows[id] = {
    status: 'Registered',
    deadline,
    termsHash: hash,
    legs: legs.map((leg) => ({ ...leg, deposited: false })),
    refundOwed: legs.map(() => false),
  };
  return [{ eventName: 'EscrowRegistered', args: { id, deadline, legCount: BigInt(legs.length) } }];
}

export function deposit(model: Model, sender: Address, id: Hex, legIndex: number): ExpectedEvent[] {
  const escrow = registered(model, id);
  if (model.now > escrow.deadline) throw new Reverted('DeadlinePassed');
  const leg = escrow.legs[legIndex];
  if (!leg) throw new Reverted('LegOutOfRange');
  if (sender !== leg.depositor) throw new Reverted('NotDepositor');
  if (leg.deposited) throw new Reverted('AlreadyDeposited');
  leg.deposited = true;
  const before = balanceOf(model, leg.token, model.escrowAddress);
  safeTransfer(model, leg.token, sender, model.escrowAddress, leg.amount);
  // Deposits of all escrows are pooled per token: a short delivery would be paid from another's.
  if (balanceOf(model, leg.token, model.escrowAddress) !== before + leg.amount) throw new Reverted('UnexpectedAmount');
  return [{ eventName: 'Deposited', args: { id, legIndex: BigInt(legIndex), depositor: sender, token: leg.token, amount: leg.amount } }];
}

export function settle(model: Model, sender: Address, id: Hex): ExpectedEvent[] {
  requireOperator(model, sender);
  const escrow = registered(model, id);
  // Never both: after the deadline the public refund is open.
  if (model.now > escrow.deadline) throw new Reverted('DeadlinePassed');
  if (escrow.legs.some((leg) => !leg.deposited)) throw new Reverted('NotAllDeposited');
  escrow.status = 'Settled';
  for (const leg of escrow.legs) safeTransfer(model, leg.token, model.escrowAddress, leg.recipient, leg.amount);
  return [{ eventName: 'Settled', args: { id } }];
}

export function refund(model: Model, sender: Address, id: Hex): ExpectedEvent[] {
  const escrow = registered(model, id);
  // The operator may roll back at any time; anyone else only once the deadline has passed.
  if (sender !== model.operator && model.now <= escrow.deadline) throw new Reverted('DeadlineNotPassed');
  escrow.status = 'Refunded';
  const events: ExpectedEvent[] = [];
  escrow.legs.forEach((leg, i) => {
    if (!leg.deposited) return;
    const args = { id, legIndex: BigInt(i), depositor: leg.depositor, token: leg.token, amount: leg.amount };
    // One token refusing must not hold the other legs hostage: that leg becomes claimable later.
    if (tokenTransfer(model, leg.token, model.escrowAddress, leg.depositor, leg.amount).ok) {
      events.push({ eventName: 'LegRefunded', args });
    } else {
      escrow.refundOwed[i] = true;
      events.push({ eventName: 'LegRefundFailed', args });
    }
  });
  events.push({ eventName: 'Refunded', args: { id } });
  return events;
}

export function claimRefund(model: Model, id: Hex, legIndex: number): ExpectedEvent[] {
  const escrow = model.escrows[id];
  const leg = escrow?.legs[legIndex];
  if (!escrow || !leg || !escrow.refundOwed[legIndex]) throw new Reverted('NothingOwed');
  escrow.refundOwed[legIndex] = false;
  safeTransfer(model, leg.token, model.escrowAddress, leg.depositor, leg.amount);
  return [{ eventName: 'LegRefunded', args: { id, legIndex: BigInt(legIndex), depositor: leg.depositor, token: leg.token, amount: leg.amount } }];
}

export function setOperator(model: Model, sender: Address, newOperator: Address): ExpectedEvent[] {
  requireOperator(model, sender);
  if (newOperator === zeroAddress) throw new Reverted('InvalidOperator');
  const previousOperator = model.operator;
  model.operator = newOperator;
  return [{ eventName: 'OperatorChanged', args: { previousOperator, newOperator } }];
}

/** A call to a test token's own switch (freeze, fail, arm): no escrow events, never reverts. */
export function adjustToken(model: Model, token: Address, change: Partial<Pick<TokenState, 'frozen' | 'failing' | 'armed'>>): ExpectedEvent[] {
  Object.assign(tokenState(model, token), change);
  return [];
}

// ---- what an ERC-3643 token's agents and owner do (T-REX's revert reasons) ---------------------

function permissions(model: Model, token: Address): Permissions {
  const p = tokenState(model, token).permissions;
  if (!p) throw new Error(`${token} is not a permissioned token`);
  return p;
}

export function pause(model: Model, token: Address, on: boolean): ExpectedEvent[] {
  const p = permissions(model, token);
  if (on && p.paused) throw new Reverted(reason('Pausable: Paused'));
  if (!on && !p.paused) throw new Reverted(reason('Pausable: Not Paused'));
  p.paused = on;
  return [];
}

export function freezeWallet(model: Model, token: Address, wallet: Address, on: boolean): ExpectedEvent[] {
  permissions(model, token).frozen[wallet] = on;
  return [];
}

export function freezeShares(model: Model, token: Address, wallet: Address, amount: bigint, on: boolean): ExpectedEvent[] {
  const p = permissions(model, token);
  const frozen = p.frozenTokens[wallet] ?? 0n;
  if (on && balanceOf(model, token, wallet) < frozen + amount) throw new Reverted(reason('Amount exceeds available balance'));
  if (!on && frozen < amount) throw new Reverted(reason('Amount should be less than or equal to frozen tokens'));
  p.frozenTokens[wallet] = on ? frozen + amount : frozen - amount;
  return [];
}

export function verify(model: Model, token: Address, wallet: Address, on: boolean): ExpectedEvent[] {
  const p = permissions(model, token);
  if (on && p.verified[wallet]) throw new Reverted(reason('address stored already'));
  if (!on && !p.verified[wallet]) throw new Reverted(reason('address not stored yet'));
  p.verified[wallet] = on;
  return [];
}

export function restrict(model: Model, token: Address, wallet: Address, on: boolean): ExpectedEvent[] {
  permissions(model, token).restricted[wallet] = on;
  return [];
}

export function limitTransfers(model: Model, token: Address, limit: bigint): ExpectedEvent[] {
  permissions(model, token).transferLimit = limit;
  return [];
}

/** An agent moves a holder's tokens: past a pause, a frozen wallet and frozen tokens, but only to a verified wallet. */
export function forcedTransfer(model: Model, tokenAddress: Address, from: Address, to: Address, amount: bigint): ExpectedEvent[] {
  const token = tokenState(model, tokenAddress);
  const p = permissions(model, tokenAddress);
  const balance = token.balances[from] ?? 0n;
  if (balance < amount) throw new Reverted(reason('sender balance too low'));
  const free = balance - (p.frozenTokens[from] ?? 0n);
  if (amount > free) p.frozenTokens[from] = (p.frozenTokens[from] ?? 0n) - (amount - free);
  if (!p.verified[to]) throw new Reverted(reason('Transfer not possible'));
  token.balances[from] = balance - amount;
  credit(token, to, amount);
  token.outside[from] = (token.outside[from] ?? 0n) - amount;
  token.outside[to] = (token.outside[to] ?? 0n) + amount;
  return [];
}
