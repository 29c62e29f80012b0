// Operator tools over HTTP (scope `admin`), limited to the caller's platform environment.

import type { RequestHandler } from 'express';
import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import { conflict, notFound } from '../errors.ts';
import { findActivity } from '../../db/activity.ts';
import { presentActivity } from '../../operations/present.ts';
import { activityQuery, reasonBody, stuckQuery } from '../schemas.ts';
import { findSettlement, presentSettlement, type PresentDeps } from '../settlements/present.ts';
import { actingOn } from '../../db/settlementScope.ts';
import { cancelSettlement, findStuck, forceRollback, OperationRefused, SettlementNotFound, type OperationDeps } from '../../operations/settlements.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { parseOr422 } from '../validation.ts';
import { presentPage } from '../../db/page.ts';

export function adminRoutes(deps: OperationDeps & PresentDeps) {
  /** Cancel and force-rollback answer alike: the rollback runs in a workflow, accepted now, finished when the settlement reaches its failure state. */
  const operation =
    (operate: typeof cancelSettlement | typeof forceRollback): RequestHandler =>
    async (req, res) => {
      const caller = callerOf(req);
      const id = String(req.params.id);
      const { reason } = parseOr422(reasonBody, req.body ?? {}, 'body');
      let outcome: string;
      try {
        outcome = await operate({ ...deps, db: tenantDbOf(req) }, actingOn(caller), id, reason, caller.clientId);
      } catch (err) {
        if (err instanceof SettlementNotFound) throw notFound(`Settlement ${id}`);
        if (err instanceof OperationRefused) throw conflict('operation_refused', err.message);
        throw err;
      }
      const settlement = await findSettlement(deps.db, caller, id);
      res.status(outcome === 'already_rolled_back' ? 200 : 202).json({ outcome, settlement: await presentSettlement(deps, settlement!, caller) });
    };

  return {
    'GET /v1/admin/settlements/stuck': async (req, res) => {
      const q = parseOr422(stuckQuery, req.query, 'query');
      const caller = callerOf(req);
      res.json(await findStuck(tenantDbOf(req), caller, q.idle_minutes * 60_000, q));
    },
    'GET /v1/admin/activity': async (req, res) => {
      const q = parseOr422(activityQuery, req.query, 'query');
      const { platformId, environment } = callerOf(req);
      const activity = await findActivity(tenantDbOf(req), {
        platformId,
        environment,
        clientId: q.client_id,
        userId: q.user_id?.toLowerCase(),
        since: q.since ? new Date(q.since) : undefined,
        failures: q.failures,
        limit: q.limit,
        offset: q.offset,
      });
      res.json(presentPage(activity, presentActivity));
    },
    'POST /v1/admin/settlements/{id}/cancel': operation(cancelSettlement),
    'POST /v1/admin/settlements/{id}/force-rollback': operation(forceRollback),
  } satisfies RouteHandlers;
}
