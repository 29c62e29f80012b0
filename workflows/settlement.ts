// One workflow per settlement. It walks the template's states, running each
// state's action; `timeout_at` is a durable timer that, until the swap is
// submitted, turns the settlement into a compensating rollback.

import {
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  actionFor,
  failureStateOf,
  isTerminal,
  successorOf,
  type FailureCause,
  type TemplateAction,
  type TemplateConfig,
} from '../domain/template';
import { depositSignal, progressQuery, SettlementState, type DepositSignal } from './names';

type Activities = ReturnType<typeof createActivities>;

export interface SettlementWorkflowInput {
  settlementId: string;
  /** The template version the settlement started with, frozen in history. */
  template: { id: string; version: number; config: TemplateConfig };
  timeoutAt: string;
  legCount: number;
  /** How often to re-read deposits from the contract in case a listener signal is missed. */
  depositPollIntervalMs?: number;
}

export interface SettlementWorkflowResult {
  state: string;
  reason?: string;
}

// Database and RPC calls: quick, retried with backoff, but never forever.
const { recordTransition, registerEscrow, readDeposits, refundEscrow } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

const { screenParties } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

// The swap sends a transaction and waits for its receipt; the activity re-reads
// the contract first, so a retry after a lost receipt never double-settles.
const { executeSwap, awaitFinality } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30 },
});

type ActionOutcome = { ok: true; payload?: Record<string, unknown> } | { ok: false; cause: FailureCause; reason: string; payload?: Record<string, unknown> };

export async function settlementWorkflow(input: SettlementWorkflowInput): Promise<SettlementWorkflowResult> {
  const { config } = input.template;
  let state = config.initial_state;
  let sequence = 0;
  let deadlinePassed = false;
  let escrowTouched = false;
  let swapSubmitted = false;
  let swapTxHash: string | undefined;
  const deposited = new Set<number>();
  const seenLogs = new Set<string>();

  // Handlers before the first await, so no early signal is dropped.
  setHandler(depositSignal, (deposit: DepositSignal) => {
    const key = `${deposit.chainId}:${deposit.txHash.toLowerCase()}:${deposit.logIndex}`;
    if (seenLogs.has(key)) return; // listeners may deliver the same log twice
    seenLogs.add(key);
    if (deposit.legIndex >= 0 && deposit.legIndex < input.legCount) deposited.add(deposit.legIndex);
  });
  setHandler(progressQuery, () => ({
    state,
    depositedLegs: [...deposited].sort((a, b) => a - b),
    deadlinePassed,
    swapSubmitted,
  }));

  const msUntilDeadline = Math.max(0, Date.parse(input.timeoutAt) - Date.now());
  void sleep(msUntilDeadline).then(() => {
    deadlinePassed = true;
  });

  async function enter(next: string, triggeredBy: string, payload: Record<string, unknown> = {}): Promise<void> {
    sequence += 1;
    await recordTransition({
      settlementId: input.settlementId,
      sequence,
      fromState: sequence === 1 ? null : state,
      toState: next,
      triggeredBy,
      payload,
    });
    state = next;
    upsertSearchAttributes([{ key: SettlementState, value: next }]);
    log.info('settlement state', { settlementId: input.settlementId, state });
  }

  async function awaitDeposits(): Promise<ActionOutcome> {
    const pollMs = input.depositPollIntervalMs ?? 5 * 60_000;
    for (;;) {
      const allSignalled = () => deposited.size === input.legCount;
      await condition(() => allSignalled() || deadlinePassed, pollMs);
      if (deadlinePassed) return { ok: false, cause: 'timeout', reason: 'timeout_at passed before every leg was deposited' };
      // The contract is the truth: confirm before moving on, and catch up on any missed signal.
      const onChain = await readDeposits({ settlementId: input.settlementId });
      deposited.clear();
      onChain.deposited.forEach((leg) => deposited.add(leg));
      if (allSignalled()) return { ok: true, payload: { deposited_legs: onChain.deposited } };
    }
  }

  async function run(action: TemplateAction): Promise<ActionOutcome> {
    switch (action.type) {
      case 'noop':
        return { ok: true };
      case 'compliance_check': {
        const screening = await screenParties({ settlementId: input.settlementId });
        const payload = { screening };
        return screening.outcome === 'cleared'
          ? { ok: true, payload }
          : { ok: false, cause: 'compliance', reason: 'compliance screening matched a sanctions list entry', payload };
      }
      case 'escrow_register': {
        escrowTouched = true;
        return { ok: true, payload: { escrow: await registerEscrow({ settlementId: input.settlementId }) } };
      }
      case 'await_deposits':
        return awaitDeposits();
      case 'execute_swap': {
        swapSubmitted = true;
        const swap = await executeSwap({ settlementId: input.settlementId });
        if (swap.outcome !== 'settled') return { ok: false, cause: 'error', reason: swap.reason, payload: { swap } };
        swapTxHash = swap.txHash;
        return { ok: true, payload: { swap } };
      }
      case 'await_finality': {
        if (!swapTxHash) throw ApplicationFailure.nonRetryable('await_finality needs an executed swap', 'TemplateError');
        return { ok: true, payload: { finality: await awaitFinality({ txHash: swapTxHash }) } };
      }
    }
  }

  async function rollBack(cause: FailureCause, reason: string, payload: Record<string, unknown> = {}): Promise<SettlementWorkflowResult> {
    // refundEscrow fails non-retryably if the swap already happened: that needs an operator, not a guess.
    const refund = escrowTouched ? await refundEscrow({ settlementId: input.settlementId }) : undefined;
    const failureState = failureStateOf(config, state, cause);
    await enter(failureState, `workflow:${cause}`, { ...payload, reason, ...(refund ? { refund } : {}) });
    return { state: failureState, reason };
  }

  await enter(config.initial_state, 'api');
  while (!isTerminal(config, state)) {
    if (deadlinePassed && !swapSubmitted) return rollBack('timeout', 'timeout_at passed before the swap');
    const action = actionFor(config, state);
    const outcome = await run(action);
    if (!outcome.ok) return rollBack(outcome.cause, outcome.reason, outcome.payload);
    await enter(successorOf(config, state), `action:${action.type}`, outcome.payload);
  }
  return { state };
}
