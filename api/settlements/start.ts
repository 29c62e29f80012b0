// Starting a settlement's workflow. The workflow id comes from the settlement id,
// so every caller (the create request, its idempotent retry, the sweeper) can start
// it again safely: a second start attaches to the running workflow.

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Db } from '../../db/client.ts';
import { findTemplateVersion } from '../../db/templates.ts';
import { PlatformId, SettlementState, TemplateId, workflowIdFor } from '../../workflows/names.ts';
import type { settlementWorkflow } from '../../workflows/settlement.ts';
import { repeat } from '../periodic.ts';

export interface StartDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  depositPollIntervalMs: number;
}

export async function ensureWorkflowStarted(deps: StartDeps, settlementId: string): Promise<void> {
  const s = await deps.db.settlement.findUniqueOrThrow({ where: { id: settlementId }, include: { legs: true } });
  if (s.workflowStartedAt) return;
  const template = await findTemplateVersion(deps.db, s.templateId, s.templateVersion);
  try {
    await deps.temporal.workflow.start<typeof settlementWorkflow>('settlementWorkflow', {
      workflowId: workflowIdFor(s.id),
      taskQueue: deps.taskQueue,
      // Running: attach to it. Closed: never run a settlement twice.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [
        {
          settlementId: s.id,
          template: { id: template.id, version: template.version, config: template.config },
          timeoutAt: s.timeoutAt.toISOString(),
          legCount: s.legs.length,
          depositPollIntervalMs: deps.depositPollIntervalMs,
        },
      ],
      typedSearchAttributes: [
        { key: SettlementState, value: s.state },
        { key: TemplateId, value: s.templateId },
        { key: PlatformId, value: s.platformId },
      ],
    });
  } catch (err) {
    // A closed workflow with this id means the settlement already ran: nothing to start.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await deps.db.settlement.update({ where: { id: s.id }, data: { workflowStartedAt: new Date() } });
}

/**
 * Settlements whose create request died between the database commit and the workflow
 * start. Nothing else would drive them, so the API process sweeps for them.
 */
export function sweepUnstarted(deps: StartDeps, onError: (err: unknown) => void, intervalMs = 5000): () => void {
  return repeat(intervalMs, async () => {
    const stale = await deps.db.settlement.findMany({
      where: { workflowStartedAt: null, createdAt: { lt: new Date(Date.now() - intervalMs) } },
      select: { id: true },
      take: 100,
    });
    for (const { id } of stale) await ensureWorkflowStarted(deps, id).catch(onError); // one bad row must not stall the rest
  }, onError);
}
