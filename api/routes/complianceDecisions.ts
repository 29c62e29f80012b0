// POST /v1/settlements/{id}/compliance-decision: a person approves or rejects a flagged
// settlement. Delivered to the workflow as a Temporal Update, whose validator refuses it
// unless the settlement is waiting for a decision.

import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from '../../db/client.ts';
import { complianceDecisionUpdate, NOT_AWAITING_DECISION, workflowIdFor } from '../../workflows/names.ts';
import { callerOf, requireScope, tenantDbOf } from '../auth/middleware.ts';
import { conflict } from '../errors.ts';
import { complianceDecisionSchema } from '../schemas.ts';
import { findSettlement, presentSettlement, requireSettlement, type PresentDeps } from '../settlements/present.ts';
import { parseOr422 } from '../validation.ts';

export function complianceDecisionRoutes(deps: PresentDeps & { db: Db; temporal: Client }): Router {
  const router = Router();
  router.post('/v1/settlements/:id/compliance-decision', requireScope('settlements:write'), async (req, res) => {
    const caller = callerOf(req);
    const settlement = await requireSettlement(tenantDbOf(req), caller, String(req.params.id));
    const body = parseOr422(complianceDecisionSchema, req.body ?? {}, 'body');
    try {
      await deps.temporal.workflow.getHandle(workflowIdFor(settlement.id)).executeUpdate(complianceDecisionUpdate, {
        args: [{ decision: body.decision, reason: body.reason, decidedBy: caller.clientId }],
      });
    } catch (err) {
      // Refused by the validator, or the workflow has already finished: either way nothing waits for it.
      if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) throw conflict('not_awaiting_decision', NOT_AWAITING_DECISION);
      throw err;
    }
    const after = await findSettlement(tenantDbOf(req), caller, settlement.id);
    res.json(await presentSettlement(deps, after!));
  });
  return router;
}
