// The engine's own errors: one hierarchy, modelled on viem's BaseError. An error says in a
// short message what went wrong, in `details` what lies behind it, and in `docsPath` where the
// docs explain it. Every subclass names itself, so a log line, or a Temporal failure made from
// it, says which it is; callers match with instanceof, never on a message.
//
// Unlike viem's, the message stays the short one: API answers and trail records carry it as it is.
//
// Pure, so that workflow code may throw these too, and may name the failure types below.

export interface LockstepErrorOptions {
  /** What lies behind the message: the values involved, the underlying failure. */
  details?: string;
  /** The page of docs/ that explains the error, with its anchor: 'runbook.md#stuck-settlements'. */
  docsPath?: string;
  cause?: unknown;
}

export class LockstepError extends Error {
  override name = 'LockstepError';
  readonly details: string | undefined;
  readonly docsPath: string | undefined;

  constructor(shortMessage: string, options: LockstepErrorOptions = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? (options.cause instanceof Error ? options.cause.message : undefined);
    this.docsPath = options.docsPath;
  }
}

/**
 * A workflow's refusal of an update (a compliance decision, a cancel) in its validator: the
 * update never reaches history, and the caller gets this message back.
 */
export class UpdateRefused extends LockstepError {
  override name = 'UpdateRefused';
}

/**
 * The types of the ApplicationFailures that activities and workflows raise. Temporal keeps them
 * in histories and in retry policies' lists, so a value here never changes: the committed
 * histories (workflows/histories) replay against them.
 */
export const FailureType = {
  /** The template cannot be interpreted; the workflow fails at once rather than retrying its task forever. */
  TemplateError: 'TemplateError',
  /** A forced rollback of a settlement past the point of no return. */
  CannotRollBack: 'CannotRollBack',
  /** A different transition is already in the trail at this sequence. */
  TransitionConflict: 'TransitionConflict',
  /** The escrow id is registered with other terms. */
  EscrowConflict: 'EscrowConflict',
  /** An operator transaction was not mined within one attempt's wait; the next attempt waits for the same one. */
  TransactionNotMined: 'TransactionNotMined',
  /** An operator transaction was replaced by another with its nonce. */
  TransactionReplaced: 'TransactionReplaced',
  /** An operator transaction was mined but did not do what it was sent for. */
  TransactionReverted: 'TransactionReverted',
  /** The escrow reads Settled but its Settled log is not visible yet. */
  LogMissing: 'LogMissing',
  /** The swap's receipt is gone from the chain (a reorg). */
  ReceiptMissing: 'ReceiptMissing',
  /** The contract refused the swap of an open escrow with every leg deposited; tried again a few times. */
  SwapRefused: 'SwapRefused',
  /** The swap is undone (a reorg), after which only an operator can decide. */
  SwapReverted: 'SwapReverted',
  /** A refund of an escrow that has settled. */
  EscrowAlreadySettled: 'EscrowAlreadySettled',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];
