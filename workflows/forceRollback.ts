// An operator's rollback of a settlement whose own workflow is gone (failed or
// terminated) while the settlement was not finished: refund what the escrow holds and
// record the failure state, continuing the settlement's trail.

import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import { canRollBack, failureStateOf, type TemplateConfig } from '../domain/template.ts';
import { escrowTransactions, readTrailHead, recordTransition } from './activities.ts';
import { SettlementState } from './names.ts';
import { FailureType } from '../domain/errors.ts';

export interface ForceRollbackInput {
  settlementId: string;
  template: { config: TemplateConfig };
  reason: string;
  requestedBy: string;
}

export function forceRollbackWorkflowId(settlementId: string): string {
  return `force-rollback-${settlementId}`;
}

export async function forceRollbackWorkflow(input: ForceRollbackInput): Promise<{ state: string }> {
  const { config } = input.template;
  const { refundEscrow } = escrowTransactions();
  const head = await readTrailHead({ settlementId: input.settlementId });
  if (!canRollBack(config, head.state)) {
    throw ApplicationFailure.nonRetryable(`a settlement in ${head.state} can no longer be rolled back`, FailureType.CannotRollBack);
  }
  const failureState = failureStateOf(config, head.state, 'cancelled');
  const refund = await refundEscrow({ settlementId: input.settlementId });
  await recordTransition({
    settlementId: input.settlementId,
    sequence: head.sequence + 1,
    fromState: head.state,
    toState: failureState,
    triggeredBy: 'operator:force-rollback',
    payload: { reason: `force rollback by ${input.requestedBy}: ${input.reason || 'no reason given'}`, refund },
  });
  upsertSearchAttributes([{ key: SettlementState, value: failureState }]);
  return { state: failureState };
}
