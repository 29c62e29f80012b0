// POST /v1/settlements/{id}/compliance-decision: a person approves or rejects a flagged
// settlement. Delivered to the workflow as a Temporal Update, whose validator refuses it
// unless the settlement is waiting for a decision. KeyStone lets the creator's
// settlements:write decide; an environment with four_eyes asks for a reviewer instead.
// GET /v1/compliance/reviews: the settlements waiting for such a decision, with their matches.

import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { ScreeningResult } from '../../compliance/screening.ts';
import type { Db } from '../../db/client.ts';
import { readSettlements } from '../../db/settlementReads.ts';
import { complianceDecisionUpdate, NOT_AWAITING_DECISION, workflowIdFor } from '../../workflows/names.ts';
import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import type { AuthContext } from '../auth/tokens.ts';
import { conflict, forbidden } from '../errors.ts';
import { presentScreening } from '../presentScreening.ts';
import { complianceDecisionSchema, pageQuery } from '../schemas.ts';
import { findSettlement, presentSettlement, presentSettlements, requireSettlement, type PresentDeps } from '../settlements/present.ts';
import { actingOn } from '../../db/settlementScope.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';

export function complianceDecisionRoutes(deps: PresentDeps & { db: Db; temporal: Client }) {
  return {
    // Only what the caller's platform opened: a counterparty reads a settlement but does not decide it.
    'GET /v1/compliance/reviews': async (req, res) => {
      const caller = callerOf(req);
      const q = parseOr422(pageQuery, req.query, 'query');
      const { rows, total } = await readSettlements(deps.db, actingOn(caller), { awaitingDecision: true, limit: q.limit, offset: q.offset, total: true });
      // The flag is each settlement's last transition, at the sequence its row was read with.
      const flags = rows.length
        ? await tenantDbOf(req).settlementEvent.findMany({ where: { OR: rows.map((s) => ({ settlementId: s.id, sequence: s.stateSequence })) } })
        : [];
      const flagOf = new Map(flags.map((e) => [e.settlementId, e]));
      const settlements = await presentSettlements(deps, rows, caller);
      res.json({
        items: rows.map((s, i) => {
          const flag = flagOf.get(s.id)!;
          return { settlement: settlements[i], flagged_at: flag.createdAt.toISOString(), screening: presentScreening((flag.payload as unknown as { screening: ScreeningResult }).screening) };
        }),
        total,
        limit: q.limit,
        offset: q.offset,
      });
    },
    'POST /v1/settlements/{id}/compliance-decision': async (req, res) => {
      const caller = callerOf(req);
      const db = tenantDbOf(req);
      const settlement = await requireSettlement(deps.db, actingOn(caller), String(req.params.id));
      const body = parseOr422(complianceDecisionSchema, req.body ?? {}, 'body');
      const environment = await db.environment.findUnique({ where: { platformId_name: { platformId: caller.platformId, name: caller.environment } } });
      if (environment?.fourEyes) requireSecondPair(caller, settlement.createdBy);
      try {
        await deps.temporal.workflow.getHandle(workflowIdFor(settlement.id)).executeUpdate(complianceDecisionUpdate, {
          args: [{ decision: body.decision, reason: body.reason, decidedBy: caller.clientId }],
        });
      } catch (err) {
        // Refused by the validator, or the workflow has already finished: either way nothing waits for it.
        if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) throw conflict('not_awaiting_decision', NOT_AWAITING_DECISION);
        throw err;
      }
      const after = await findSettlement(deps.db, caller, settlement.id);
      res.json(await presentSettlement(deps, after!, caller));
    },
  } satisfies RouteHandlers;
}

/** Four eyes: a reviewer decides, and not with the client that created the settlement (a session acts as its client). */
function requireSecondPair(caller: AuthContext, creator: string | null): void {
  if (!caller.scopes.includes('compliance:review')) throw forbidden('This environment decides screenings with four eyes: the decision needs the "compliance:review" scope');
  // A settlement from before creators were kept has none to compare: any reviewer may decide it.
  if (creator === caller.clientId) throw forbidden('This environment decides screenings with four eyes: the client that created the settlement cannot decide it');
}
