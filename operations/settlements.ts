// Operator tools, shared by the admin API and the CLI: find stuck settlements, cancel a
// settlement before its swap, force a rollback (also of a settlement whose workflow died).

import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { settlementWhere, type SettlementScope } from '../db/settlementScope.ts';
import type { Models } from '../db/client.ts';
import { findTemplateVersion } from '../db/templates.ts';
import { isUuid } from '../domain/ids.ts';
import { canRollBack } from '../domain/template.ts';
import { forceRollbackWorkflowId, type forceRollbackWorkflow } from '../workflows/forceRollback.ts';
import { cancelUpdate, workflowIdFor } from '../workflows/names.ts';
import { page, presentPage, type PageWindow } from '../db/page.ts';
import { LockstepError } from '../domain/errors.ts';

export interface OperationDeps {
  /** The caller's tenant view over the API; the owner's for the CLI. */
  db: Models;
  temporal: Client;
  taskQueue: string;
}

/** The caller's settlements; undefined for an operator at the command line, who sees every platform's. */
export type OperationScope = SettlementScope | undefined;
const within = (scope: OperationScope) => (scope ? settlementWhere(scope) : {});

export class OperationRefused extends LockstepError {
  override readonly name = 'OperationRefused';
  override readonly docsPath = 'runbook.md#stuck-settlements-cancelling-forcing-a-rollback';
}

export class SettlementNotFound extends LockstepError {
  override readonly name = 'SettlementNotFound';
}

async function settlementIn(db: Models, scope: OperationScope, id: string) {
  if (!isUuid(id)) return undefined;
  const s = await db.settlement.findFirst({ where: { AND: [within(scope), { id: id.toLowerCase() }] } });
  return s ? { ...s, template: await findTemplateVersion(db, s.templateId, s.templateVersion) } : undefined;
}

/**
 * Non-terminal settlements past their timeout_at, or without a transition for `idleMs`:
 * the ones whose workflow may have died or be waiting on something broken.
 */
export async function findStuck(db: Models, scope: OperationScope, idleMs: number, window: PageWindow) {
  const now = Date.now();
  const late = { AND: [within(scope), { OR: [{ timeoutAt: { lt: new Date(now) } }, { updatedAt: { lt: new Date(now - idleMs) } }] }] };
  // Which states are terminal is the template version's to say; there are few versions, so
  // "not terminal" becomes one filter per version and the database pages the result.
  const versions = await db.settlement.groupBy({ by: ['templateId', 'templateVersion'], where: late });
  const open = await Promise.all(
    versions.map(async ({ templateId, templateVersion }) => ({
      templateId,
      templateVersion,
      state: { notIn: (await findTemplateVersion(db, templateId, templateVersion)).config.terminal_states },
    })),
  );
  const where = { AND: [late, { OR: open }] };
  const found = open.length
    ? await page(window, (slice) => db.settlement.findMany({ where, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], ...slice }), () => db.settlement.count({ where }))
    : { items: [], total: 0, limit: window.limit, offset: window.offset };
  return presentPage(found, (s) => ({
    id: s.id,
    state: s.state,
    timeout_at: s.timeoutAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    reason: s.timeoutAt.getTime() < now ? 'past timeout_at' : `no transition for ${Math.round((now - s.updatedAt.getTime()) / 60_000)} minutes`,
  }));
}

/** Asks the running workflow to roll back; refused once the swap was submitted or the settlement ended. */
export async function cancelSettlement(deps: OperationDeps, scope: OperationScope, id: string, reason: string, requestedBy: string): Promise<'cancelling'> {
  const s = await settlementIn(deps.db, scope, id);
  if (!s) throw new SettlementNotFound(`Settlement ${id}`);
  try {
    await deps.temporal.workflow.getHandle(workflowIdFor(id)).executeUpdate(cancelUpdate, { args: [{ reason, requestedBy }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new OperationRefused(err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) throw new OperationRefused('The settlement has no running workflow; use force-rollback');
    throw err;
  }
  return 'cancelling';
}

/**
 * Rolls back a settlement that has not swapped, whatever its workflow's condition:
 * a running workflow is cancelled; a dead one is replaced by a rollback workflow.
 * A settlement already in a failure state is left as it is.
 */
export async function forceRollback(
  deps: OperationDeps,
  scope: OperationScope,
  id: string,
  reason: string,
  requestedBy: string,
): Promise<'already_rolled_back' | 'cancelling' | 'rolling_back'> {
  const s = await settlementIn(deps.db, scope, id);
  if (!s) throw new SettlementNotFound(`Settlement ${id}`);
  const { config } = s.template;
  if (config.failure_states.includes(s.state)) return 'already_rolled_back';
  if (!canRollBack(config, s.state)) throw new OperationRefused(`A settlement in ${s.state} can no longer be rolled back`);
  const running = await deps.temporal.workflow
    .getHandle(workflowIdFor(id))
    .describe()
    .then(
      (d) => d.status.name === 'RUNNING',
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );
  if (running) return cancelSettlement(deps, scope, id, reason, requestedBy);
  try {
    await deps.temporal.workflow.start<typeof forceRollbackWorkflow>('forceRollbackWorkflow', {
      workflowId: forceRollbackWorkflowId(id),
      taskQueue: deps.taskQueue,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      args: [{ settlementId: id, template: { config }, reason, requestedBy }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return 'rolling_back';
}
