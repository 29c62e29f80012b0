// Names the workflow, the worker, the API and the listener must agree on.
// Pure definitions only: safe to import from workflow code and from clients.

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DepositLog } from '../domain/deposits.ts';

/** Workflow ids carry the business key, so a second start for one settlement is a no-op. */
export function workflowIdFor(settlementId: string): string {
  return `settlement-${settlementId}`;
}

/**
 * The escrow operator's transactions (registration, swap, refund) are activities of their own
 * task queue, beside the settlements', which one worker at a time serves (worker/signer.ts).
 */
export function signerTaskQueueOf(taskQueue: string): string {
  return `${taskQueue}-signer`;
}

/** Custom search attributes; none carries personal data. */
export const SettlementState = defineSearchAttributeKey('SettlementState', SearchAttributeType.KEYWORD);
export const TemplateId = defineSearchAttributeKey('TemplateId', SearchAttributeType.KEYWORD);
export const PlatformId = defineSearchAttributeKey('PlatformId', SearchAttributeType.KEYWORD);
export const SEARCH_ATTRIBUTES = [SettlementState, TemplateId, PlatformId] as const;

/** A confirmed escrow `Deposited` log, as the listener signals it (domain/deposits.ts says what the workflow makes of it). */
export type DepositSignal = DepositLog;

export const depositSignal = defineSignal<[DepositSignal]>('deposit');

export interface ComplianceDecision {
  decision: 'approve' | 'reject';
  reason: string;
  /** The API client that decided, for the trail. */
  decidedBy: string;
}

/** A person's decision on a flagged screening; refused unless the settlement is waiting for one. */
export const complianceDecisionUpdate = defineUpdate<{ accepted: true }, [ComplianceDecision]>('complianceDecision');
export const NOT_AWAITING_DECISION = 'Settlement is not awaiting a compliance decision';

export interface CancelRequest {
  reason: string;
  requestedBy: string;
}

/** An operator's cancellation: rolls back with refunds, refused once the swap was submitted or the settlement ended. */
export const cancelUpdate = defineUpdate<{ accepted: true }, [CancelRequest]>('cancel');

export interface SettlementProgress {
  state: string;
  depositedLegs: number[];
  deadlinePassed: boolean;
  swapSubmitted: boolean;
  awaitingDecision: boolean;
  cancelRequested: boolean;
}

export const progressQuery = defineQuery<SettlementProgress>('progress');
