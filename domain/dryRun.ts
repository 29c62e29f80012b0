// What a settlement's dry run decides from what it read: the approvals its depositors still
// need, whether its deadline leaves room for the deposits to be confirmed and swapped, and the
// list of checks with their verdicts. Pure: the reads are api/settlements/dryRun.ts's.

/** Every kind of check a dry run answers, in the order it reports them. */
export const DRY_RUN_CHECKS = ['screening', 'token', 'balance', 'allowance', 'erc3643', 'gas', 'timeout'] as const;
export type DryRunCheckName = (typeof DRY_RUN_CHECKS)[number];

export interface DryRunCheck {
  check: DryRunCheckName;
  /** Would the settlement get past this point as things are now. */
  ok: boolean;
  /** The party's role it is about, if one. */
  party: string | null;
  /** The leg it is about, if one. */
  leg: number | null;
  detail: string;
}

export interface DepositLeg {
  index: number;
  depositor: string;
  token: string;
  amount: bigint;
}

/** What one depositor must let the escrow take of one token before its deposits: all of its legs in that token at once. */
export interface Approval {
  depositor: string;
  token: string;
  legs: number[];
  /** What the approve must set the allowance to: the sum of those legs. */
  amount: bigint;
  /** The allowance now. */
  allowance: bigint;
  /** false when the allowance already covers every leg: no approve is needed. */
  needed: boolean;
}

/**
 * One approval per depositor and token, in leg order. `approve` sets the allowance rather than
 * adding to it, so two legs of one token from one depositor need one approval of both amounts,
 * not two of one each (the second would replace the first).
 */
export function approvalsFor(legs: readonly DepositLeg[], allowanceOf: (depositor: string, token: string) => bigint): Approval[] {
  const byKey = new Map<string, Approval>();
  for (const leg of legs) {
    const key = `${leg.depositor.toLowerCase()}:${leg.token.toLowerCase()}`;
    const approval = byKey.get(key) ?? { depositor: leg.depositor, token: leg.token, legs: [], amount: 0n, allowance: allowanceOf(leg.depositor, leg.token), needed: false };
    approval.legs.push(leg.index);
    approval.amount += leg.amount;
    byKey.set(key, approval);
  }
  return [...byKey.values()].map((a) => ({ ...a, needed: a.allowance < a.amount }));
}

export interface TimeoutRoom {
  ok: boolean;
  /** From now to timeout_at. */
  secondsLeft: number;
  /** The least the settlement needs before its deadline. */
  secondsNeeded: number;
  blocksNeeded: number;
  detail: string;
}

/**
 * Whether timeout_at leaves the settlement time for what must happen before the escrow's
 * deadline: the engine's screening and registration (the deployment's minimum lead, which a
 * create also demands), each depositor's approve and deposit mined one block after the other,
 * the deposit buried under `confirmations` blocks before it counts, and the swap mined. Deposits
 * of several depositors go in the same blocks, so the blocks are counted once.
 */
export function timeoutRoom(p: { now: Date; timeoutAt: Date; minLeadMs: number; confirmations: number; blockSeconds: number; approvalsNeeded: boolean }): TimeoutRoom {
  const secondsLeft = Math.floor((p.timeoutAt.getTime() - p.now.getTime()) / 1000);
  // approve (if needed), deposit, the confirmations on top of the deposit's block, the swap.
  const blocksNeeded = (p.approvalsNeeded ? 1 : 0) + 1 + Math.max(p.confirmations - 1, 0) + 1;
  const secondsNeeded = Math.ceil(p.minLeadMs / 1000 + blocksNeeded * p.blockSeconds);
  const ok = secondsLeft >= secondsNeeded;
  const needs =
    `${p.minLeadMs / 1000} s to screen and register, then ${blocksNeeded} blocks at about ${p.blockSeconds} s each ` +
    `(${p.approvalsNeeded ? 'approve, ' : ''}deposit, ${p.confirmations} confirmation${p.confirmations === 1 ? '' : 's'}, swap)`;
  return {
    ok,
    secondsLeft,
    secondsNeeded,
    blocksNeeded,
    detail: ok
      ? `timeout_at is ${secondsLeft} s away; the settlement needs at least ${secondsNeeded} s: ${needs}`
      : `timeout_at is ${secondsLeft} s away, too close: the settlement needs at least ${secondsNeeded} s (${needs}); it would roll back at its deadline`,
  };
}

/** Did every check pass: would a create now go through to the swap, as far as can be told before it exists. */
export const allPassed = (checks: readonly DryRunCheck[]) => checks.every((c) => c.ok);
