// One workflow per settlement. It walks the template's states, running each
// state's action; `timeout_at` is a durable timer that, until the swap is
// submitted, turns the settlement into a compensating rollback. Any step that
// gives up before the swap is submitted rolls back too.

import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ScreeningResult } from '../compliance/screening.ts';
import { awaitFinality, escrowTransactions, readDeposits, recordTransition, recordTransitionLocally, screenParties } from './activities.ts';
import {
  actionFor,
  failureStateOf,
  isTerminal,
  successorOf,
  TemplateError,
  type FailureCause,
  type TemplateAction,
  type TemplateConfig,
} from '../domain/template.ts';
import {
  cancelUpdate,
  complianceDecisionUpdate,
  depositSignal,
  NOT_AWAITING_DECISION,
  progressQuery,
  SettlementState,
  type CancelRequest,
  type ComplianceDecision,
  type DepositSignal,
} from './names.ts';

const LOCAL_TRANSITIONS = 'transitions-recorded-as-local-activities';

/** What a run hands to its continuation when a long wait for deposits outgrows one history. */
export interface ResumeState {
  state: string;
  sequence: number;
  deposited: number[];
  seenLogs: string[];
  escrowTouched: boolean;
}

export interface SettlementWorkflowInput {
  settlementId: string;
  /** The template version the settlement started with, frozen in history. */
  template: { id: string; version: number; config: TemplateConfig };
  timeoutAt: string;
  legCount: number;
  /** How often to re-read deposits from the contract in case a listener signal is missed. */
  depositPollIntervalMs?: number;
  resume?: ResumeState;
}

export interface SettlementWorkflowResult {
  state: string;
  reason?: string;
}

type ActionOutcome =
  | { ok: true; payload?: Record<string, unknown> }
  | { ok: false; cause: FailureCause; reason: string; payload?: Record<string, unknown> };

/** Template mistakes must fail the workflow, not retry its task forever. */
function fromTemplate<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof TemplateError) throw ApplicationFailure.nonRetryable(err.message, 'TemplateError');
    throw err;
  }
}

export async function settlementWorkflow(input: SettlementWorkflowInput): Promise<SettlementWorkflowResult> {
  const { config } = input.template;
  const resume = input.resume;
  let state = resume?.state ?? config.initial_state;
  let sequence = resume?.sequence ?? 0;
  let escrowTouched = resume?.escrowTouched ?? false;
  let deadlinePassed = false;
  let swapSubmitted = false;
  let swapTxHash: string | undefined;
  const deposited = new Set<number>(resume?.deposited);
  const seenLogs = new Set<string>(resume?.seenLogs);
  let awaitingDecision = false;
  let decision: ComplianceDecision | undefined;
  let cancelRequest: CancelRequest | undefined;
  let closing = false; // rolling back or finished: nothing left for a cancellation to stop
  // Legs in signal arrival order, so a contract read cannot erase a signal that arrived while it ran.
  const signalledLegs: number[] = [];
  const { registerEscrow, executeSwap, refundEscrow } = escrowTransactions();

  // Handlers before the first await, so no early signal is dropped.
  setHandler(depositSignal, (deposit: DepositSignal) => {
    const key = `${deposit.chainId}:${deposit.txHash.toLowerCase()}:${deposit.logIndex}`;
    if (deposit.legIndex < 0 || deposit.legIndex >= input.legCount) return;
    // Listeners may deliver the same log twice: it counts once while its leg counts. But a leg
    // a contract read found empty lost its deposit to a reorg, and the same transaction back
    // in the chain (what a reorg usually does with it) is news: look again at once.
    if (seenLogs.has(key) && deposited.has(deposit.legIndex)) return;
    seenLogs.add(key);
    deposited.add(deposit.legIndex);
    signalledLegs.push(deposit.legIndex);
  });
  setHandler(
    complianceDecisionUpdate,
    (d: ComplianceDecision) => {
      decision = d;
      return { accepted: true as const };
    },
    {
      // Synchronous, as update validators must be: a refusal here never reaches history.
      validator: (_d: ComplianceDecision) => {
        if (!awaitingDecision || decision) throw new Error(NOT_AWAITING_DECISION);
      },
    },
  );
  setHandler(
    cancelUpdate,
    (request: CancelRequest) => {
      cancelRequest ??= request;
      return { accepted: true as const };
    },
    {
      validator: (_request: CancelRequest) => {
        if (closing) throw new Error('Settlement is already rolling back or has finished');
        if (swapSubmitted) throw new Error('The swap was already submitted; the settlement can no longer be cancelled');
      },
    },
  );
  setHandler(progressQuery, () => ({
    state,
    depositedLegs: [...deposited].sort((a, b) => a - b),
    deadlinePassed,
    swapSubmitted,
    awaitingDecision,
    cancelRequested: cancelRequest !== undefined,
  }));

  const msUntilDeadline = Math.max(0, Date.parse(input.timeoutAt) - Date.now());
  void sleep(msUntilDeadline).then(() => {
    deadlinePassed = true;
  });

  async function enter(next: string, triggeredBy: string, payload: Record<string, unknown> = {}): Promise<void> {
    sequence += 1;
    // Settlements that started before transitions were recorded locally replay as they ran.
    const record = patched(LOCAL_TRANSITIONS) ? recordTransitionLocally : recordTransition;
    await record({
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
    const allDeposited = () => deposited.size === input.legCount;
    for (;;) {
      await condition(() => allDeposited() || deadlinePassed || cancelRequest !== undefined, pollMs);
      if (cancelRequest) return cancelled();
      if (deadlinePassed) return { ok: false, cause: 'timeout', reason: 'timeout_at passed before every leg was deposited' };
      // Only the contract says every leg is in; signals only say when to look again.
      const mark = signalledLegs.length;
      const onChain = await readDeposits({ settlementId: input.settlementId });
      if (onChain.deposited.length === input.legCount) return { ok: true, payload: { deposited_legs: onChain.deposited } };
      deposited.clear();
      // A signal that arrived during the read is newer than it: keep it, so the next look comes at once.
      [...onChain.deposited, ...signalledLegs.slice(mark)].forEach((leg) => deposited.add(leg));
      if (workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof settlementWorkflow>({
          ...input,
          resume: { state, sequence, deposited: [...deposited], seenLogs: [...seenLogs], escrowTouched },
        });
      }
    }
  }

  function cancelled(): { ok: false; cause: 'cancelled'; reason: string } {
    const request = cancelRequest!;
    return { ok: false, cause: 'cancelled', reason: `cancelled by ${request.requestedBy}: ${request.reason || 'no reason given'}` };
  }

  /** A flagged screening waits, in its state and under its deadline, for a person to decide. */
  async function reviewFlagged(screening: ScreeningResult): Promise<ActionOutcome> {
    await enter(state, 'compliance:flagged', { screening });
    awaitingDecision = true;
    await condition(() => decision !== undefined || deadlinePassed || cancelRequest !== undefined);
    awaitingDecision = false;
    if (cancelRequest) return cancelled();
    if (!decision) return { ok: false, cause: 'timeout', reason: 'timeout_at passed while awaiting a compliance decision' };
    const payload = { decision: decision.decision, decision_reason: decision.reason, decided_by: decision.decidedBy };
    return decision.decision === 'approve'
      ? { ok: true, payload }
      : { ok: false, cause: 'compliance', reason: `compliance reviewer rejected the settlement: ${decision.reason || 'no reason given'}`, payload };
  }

  async function run(action: TemplateAction): Promise<ActionOutcome> {
    switch (action.type) {
      case 'noop':
        return { ok: true };
      case 'compliance_check': {
        const screening = await screenParties({ settlementId: input.settlementId });
        if (screening.outcome === 'cleared') return { ok: true, payload: { screening } };
        if (screening.outcome === 'failed' || action.on_flag !== 'await_decision') {
          return { ok: false, cause: 'compliance', reason: `compliance screening ${screening.outcome}: a party matched a sanctions list entry`, payload: { screening } };
        }
        return reviewFlagged(screening);
      }
      case 'escrow_register': {
        escrowTouched = true;
        const escrow = await registerEscrow({ settlementId: input.settlementId });
        return escrow.outcome === 'registered'
          ? { ok: true, payload: { escrow } }
          : { ok: false, cause: 'timeout', reason: escrow.reason, payload: { escrow } };
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
        return { ok: true, payload: { finality: await awaitFinality({ settlementId: input.settlementId, txHash: swapTxHash }) } };
      }
    }
  }

  async function rollBack(cause: FailureCause, reason: string, payload: Record<string, unknown> = {}): Promise<SettlementWorkflowResult> {
    closing = true;
    // Refund first: deposits go back even when the template has no failure state to record.
    // refundEscrow fails non-retryably if the swap already happened: that needs an operator, not a guess.
    const refund = escrowTouched ? await refundEscrow({ settlementId: input.settlementId }) : undefined;
    const failureState = fromTemplate(() => failureStateOf(config, state, cause));
    await enter(failureState, `workflow:${cause}`, { ...payload, reason, ...(refund ? { refund } : {}) });
    return { state: failureState, reason };
  }

  async function walk(): Promise<SettlementWorkflowResult> {
    if (!resume) await enter(config.initial_state, 'api');
    while (!isTerminal(config, state)) {
      if (cancelRequest && !swapSubmitted) return rollBack('cancelled', cancelled().reason);
      if (deadlinePassed && !swapSubmitted) return rollBack('timeout', 'timeout_at passed before the swap');
      const action = actionFor(config, state);
      let outcome: ActionOutcome;
      try {
        outcome = await run(action);
      } catch (err) {
        // A step that gave up (its retries exhausted, or a non-retryable failure) must not strand deposits.
        if (!(err instanceof ActivityFailure) || swapSubmitted) throw err;
        const detail = err.cause instanceof Error ? err.cause.message : err.message;
        outcome = { ok: false, cause: 'error', reason: `${action.type} failed: ${detail}` };
      }
      if (!outcome.ok) return rollBack(outcome.cause, outcome.reason, outcome.payload);
      await enter(fromTemplate(() => successorOf(config, state)), `action:${action.type}`, outcome.payload);
    }
    return { state };
  }

  try {
    return await walk();
  } finally {
    closing = true;
  }
}
