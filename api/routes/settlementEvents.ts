// The audit trail: GET /v1/settlements/{id}/events (oldest first) and its verifier.

import { Router } from 'express';
import { eventContent, verifyTrail } from '../../db/auditTrail';
import type { Db } from '../../db/client';
import { callerOf, requireScope } from '../auth/middleware';
import { pageQuery } from '../schemas';
import { requireSettlement } from '../settlements/present';
import { parseOr422 } from '../validation';

export function settlementEventRoutes(deps: { db: Db }): Router {
  const router = Router();

  router.get('/v1/settlements/:id/events', requireScope('settlements:read'), async (req, res) => {
    const settlementId = (await requireSettlement(deps.db, callerOf(req), String(req.params.id))).id;
    const { limit, offset } = parseOr422(pageQuery, req.query, 'query');
    const [events, total] = await deps.db.$transaction([
      deps.db.settlementEvent.findMany({ where: { settlementId }, orderBy: { sequence: 'asc' }, take: limit, skip: offset }),
      deps.db.settlementEvent.count({ where: { settlementId } }),
    ]);
    res.json({
      items: events.map((e) => ({ id: e.id, ...eventContent(e), content_hash: e.contentHash })),
      total,
      limit,
      offset,
    });
  });

  router.get('/v1/settlements/:id/events/verify', requireScope('settlements:read'), async (req, res) => {
    const settlementId = (await requireSettlement(deps.db, callerOf(req), String(req.params.id))).id;
    const events = await deps.db.settlementEvent.findMany({ where: { settlementId } });
    res.json({ settlement_id: settlementId, ...verifyTrail(events) });
  });

  return router;
}
