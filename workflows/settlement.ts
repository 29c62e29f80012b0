// One workflow per settlement. It walks the template's states, running each
// state's action; `timeout_at` is a durable timer that, until the swap is
// submitted, turns the settlement into a compensating rollback. Any step that
// gives up before the swap is submitted rolls back too.
//
// Its state is one object (Run); the signal, update and query handlers and each state's
// action are small functions over it; what the deposits are is the domain's ledger
// (domain/deposits.ts). Changes here must keep the commands in the same order, or running
// settlements fail to replay: workflows/histories holds recorded runs the replay test checks.

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
import { acceptDeposit, allDeposited, DEFAULT_DEPOSIT_POLL_MS, depositLedger, ledgerSnapshot, readMark, reconcile, type DepositLedger } from '../domain/deposits.ts';
import { actionFor, failureStateOf, isTerminal, successorOf, TemplateError, type FailureCause, type TemplateAction, type TemplateConfig } from '../domain/template.ts';
import { screeningVerdict } from '../domain/thresholds.ts';
import { awaitFinality, escrowTransactions, readDeposits, recordTransition, recordTransitionLocally, screenParties } from './activities.ts';
import {
  cancelUpdate,
  complianceDecisionUpdate,
  depositSignal,
  NOT_AWAITING_DECISION,
  progressQuery,
  SettlementState,
  type CancelRequest,
  type ComplianceDecision,
} from './names.ts';
import { FailureType, UpdateRefused } from '../domain/errors.ts';

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

type Payload = Record<string, unknown>;
type ActionOutcome = { ok: true; payload?: Payload } | { ok: false; cause: FailureCause; reason: string; payload?: Payload };

/** Everything a settlement's run knows, in one place. */
interface Run {
  readonly input: SettlementWorkflowInput;
  readonly config: TemplateConfig;
  readonly escrow: ReturnType<typeof escrowTransactions>;
  readonly deposits: DepositLedger;
  state: string;
  /** The last transition's sequence in the trail. */
  sequence: number;
  /** An escrow may hold deposits: a rollback must refund. */
  escrowTouched: boolean;
  deadlinePassed: boolean;
  swapSubmitted: boolean;
  swapTxHash?: string;
  awaitingDecision: boolean;
  decision?: ComplianceDecision;
  cancelRequest?: CancelRequest;
  /** Rolling back or finished: nothing left for a cancellation to stop. */
  closing: boolean;
}

export async function settlementWorkflow(input: SettlementWorkflowInput): Promise<SettlementWorkflowResult> {
  const { resume } = input;
  const run: Run = {
    input,
    config: input.template.config,
    escrow: escrowTransactions(),
    deposits: depositLedger(input.legCount, resume),
    state: resume?.state ?? input.template.config.initial_state,
    sequence: resume?.sequence ?? 0,
    escrowTouched: resume?.escrowTouched ?? false,
    deadlinePassed: false,
    swapSubmitted: false,
    awaitingDecision: false,
    closing: false,
  };
  // Handlers before the first await, so no early signal is dropped.
  handleMessages(run);
  void sleep(Math.max(0, Date.parse(input.timeoutAt) - Date.now())).then(() => {
    run.deadlinePassed = true;
  });
  try {
    return await walk(run);
  } finally {
    run.closing = true;
  }
}

/** The template's states, one action after another, until a terminal state or a rollback. */
async function walk(run: Run): Promise<SettlementWorkflowResult> {
  if (!run.input.resume) await enter(run, run.config.initial_state, 'api');
  while (!isTerminal(run.config, run.state)) {
    if (run.cancelRequest && !run.swapSubmitted) return rollBack(run, 'cancelled', cancelled(run).reason);
    if (run.deadlinePassed && !run.swapSubmitted) return rollBack(run, 'timeout', 'timeout_at passed before the swap');
    const action = actionFor(run.config, run.state);
    let outcome: ActionOutcome;
    try {
      outcome = await perform(run, action);
    } catch (err) {
      // A step that gave up (its retries exhausted, or a non-retryable failure) must not strand deposits.
      if (!(err instanceof ActivityFailure) || run.swapSubmitted) throw err;
      const detail = err.cause instanceof Error ? err.cause.message : err.message;
      outcome = { ok: false, cause: 'error', reason: `${action.type} failed: ${detail}` };
    }
    if (!outcome.ok) return rollBack(run, outcome.cause, outcome.reason, outcome.payload);
    await enter(run, fromTemplate(() => successorOf(run.config, run.state)), `action:${action.type}`, outcome.payload);
  }
  return { state: run.state };
}

function handleMessages(run: Run): void {
  setHandler(depositSignal, (deposit) => acceptDeposit(run.deposits, deposit));
  setHandler(
    complianceDecisionUpdate,
    (d: ComplianceDecision) => {
      run.decision = d;
      return { accepted: true as const };
    },
    {
      // Synchronous, as update validators must be: a refusal here never reaches history.
      validator: (_d: ComplianceDecision) => {
        if (!run.awaitingDecision || run.decision) throw new UpdateRefused(NOT_AWAITING_DECISION);
      },
    },
  );
  setHandler(
    cancelUpdate,
    (request: CancelRequest) => {
      run.cancelRequest ??= request;
      return { accepted: true as const };
    },
    {
      validator: (_request: CancelRequest) => {
        if (run.closing) throw new UpdateRefused('Settlement is already rolling back or has finished');
        if (run.swapSubmitted) throw new UpdateRefused('The swap was already submitted; the settlement can no longer be cancelled');
      },
    },
  );
  setHandler(progressQuery, () => ({
    state: run.state,
    depositedLegs: [...run.deposits.deposited].sort((a, b) => a - b),
    deadlinePassed: run.deadlinePassed,
    swapSubmitted: run.swapSubmitted,
    awaitingDecision: run.awaitingDecision,
    cancelRequested: run.cancelRequest !== undefined,
  }));
}

/** Records the transition in the trail, then moves the settlement (and its search attribute) to `next`. */
async function enter(run: Run, next: string, triggeredBy: string, payload: Payload = {}): Promise<void> {
  run.sequence += 1;
  // Settlements that started before transitions were recorded locally replay as they ran.
  const record = patched(LOCAL_TRANSITIONS) ? recordTransitionLocally : recordTransition;
  await record({
    settlementId: run.input.settlementId,
    sequence: run.sequence,
    fromState: run.sequence === 1 ? null : run.state,
    toState: next,
    triggeredBy,
    payload,
  });
  run.state = next;
  upsertSearchAttributes([{ key: SettlementState, value: next }]);
  log.info('settlement state', { settlementId: run.input.settlementId, state: next });
}

/** A state's action, as its template names it. */
async function perform(run: Run, action: TemplateAction): Promise<ActionOutcome> {
  const settlementId = run.input.settlementId;
  switch (action.type) {
    case 'noop':
      return { ok: true };
    case 'compliance_check': {
      const screening = await screenParties({ settlementId });
      const verdict = screeningVerdict(screening.outcome, action.on_flag);
      if (verdict.next === 'proceed') return { ok: true, payload: { screening } };
      if (verdict.next === 'roll_back') return { ok: false, cause: 'compliance', reason: verdict.reason, payload: { screening } };
      return reviewFlagged(run, screening);
    }
    case 'escrow_register': {
      run.escrowTouched = true;
      const escrow = await run.escrow.registerEscrow({ settlementId });
      if (escrow.outcome === 'registered') return { ok: true, payload: { escrow } };
      // Refused: an ERC-3643 token's rules would stop a deposit or the payout.
      return { ok: false, cause: escrow.outcome === 'refused' ? 'compliance' : 'timeout', reason: escrow.reason, payload: { escrow } };
    }
    case 'await_deposits':
      return awaitDeposits(run);
    case 'execute_swap': {
      run.swapSubmitted = true;
      const swap = await run.escrow.executeSwap({ settlementId });
      if (swap.outcome !== 'settled') return { ok: false, cause: 'error', reason: swap.reason, payload: { swap } };
      run.swapTxHash = swap.txHash;
      return { ok: true, payload: { swap } };
    }
    case 'await_finality': {
      if (!run.swapTxHash) throw ApplicationFailure.nonRetryable('await_finality needs an executed swap', FailureType.TemplateError);
      return { ok: true, payload: { finality: await awaitFinality({ settlementId, txHash: run.swapTxHash }) } };
    }
  }
}

/** Waits for the contract to hold every leg, looking again at each signal and every poll interval. */
async function awaitDeposits(run: Run): Promise<ActionOutcome> {
  const pollMs = run.input.depositPollIntervalMs ?? DEFAULT_DEPOSIT_POLL_MS;
  for (;;) {
    await condition(() => allDeposited(run.deposits) || run.deadlinePassed || run.cancelRequest !== undefined, pollMs);
    if (run.cancelRequest) return cancelled(run);
    if (run.deadlinePassed) return { ok: false, cause: 'timeout', reason: 'timeout_at passed before every leg was deposited' };
    const mark = readMark(run.deposits);
    const onChain = await readDeposits({ settlementId: run.input.settlementId });
    if (reconcile(run.deposits, onChain.deposited, mark)) return { ok: true, payload: { deposited_legs: onChain.deposited } };
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof settlementWorkflow>({
        ...run.input,
        resume: { state: run.state, sequence: run.sequence, ...ledgerSnapshot(run.deposits), escrowTouched: run.escrowTouched },
      });
    }
  }
}

/** A flagged screening waits, in its state and under its deadline, for a person to decide. */
async function reviewFlagged(run: Run, screening: ScreeningResult): Promise<ActionOutcome> {
  await enter(run, run.state, 'compliance:flagged', { screening });
  run.awaitingDecision = true;
  await condition(() => run.decision !== undefined || run.deadlinePassed || run.cancelRequest !== undefined);
  run.awaitingDecision = false;
  if (run.cancelRequest) return cancelled(run);
  const { decision } = run;
  if (!decision) return { ok: false, cause: 'timeout', reason: 'timeout_at passed while awaiting a compliance decision' };
  const payload = { decision: decision.decision, decision_reason: decision.reason, decided_by: decision.decidedBy };
  return decision.decision === 'approve'
    ? { ok: true, payload }
    : { ok: false, cause: 'compliance', reason: `compliance reviewer rejected the settlement: ${decision.reason || 'no reason given'}`, payload };
}

function cancelled(run: Run): { ok: false; cause: 'cancelled'; reason: string } {
  const request = run.cancelRequest!;
  return { ok: false, cause: 'cancelled', reason: `cancelled by ${request.requestedBy}: ${request.reason || 'no reason given'}` };
}

async function rollBack(run: Run, cause: FailureCause, reason: string, payload: Payload = {}): Promise<SettlementWorkflowResult> {
  run.closing = true;
  // Refund first: deposits go back even when the template has no failure state to record.
  // refundEscrow fails non-retryably if the swap already happened: that needs an operator, not a guess.
  const refund = run.escrowTouched ? await run.escrow.refundEscrow({ settlementId: run.input.settlementId }) : undefined;
  const failureState = fromTemplate(() => failureStateOf(run.config, run.state, cause));
  await enter(run, failureState, `workflow:${cause}`, { ...payload, reason, ...(refund ? { refund } : {}) });
  return { state: failureState, reason };
}

/** Template mistakes must fail the workflow, not retry its task forever. */
function fromTemplate<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof TemplateError) throw ApplicationFailure.nonRetryable(err.message, FailureType.TemplateError);
    throw err;
  }
}
