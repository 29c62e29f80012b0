// The audit trail: GET /v1/settlements/{id}/events (oldest first) and its verifier.

import { Router, type Request } from 'express';
import { eventContent, verifyTrail } from '../../db/auditTrail';
import type { Db } from '../../db/client';
import { isUuid } from '../../domain/ids';
import { callerOf, requireScope } from '../auth/middleware';
import { notFound } from '../errors';
import { pageQuery } from '../schemas';
import { parseOr422 } from '../validation';

export function settlementEventRoutes(deps: { db: Db }): Router {
  const router = Router();

  /** The settlement's id when the caller may see it; 404 otherwise, whoever owns it. */
  async function visibleSettlement(req: Request): Promise<string> {
    const caller = callerOf(req);
    const id = String(req.params.id);
    const found = isUuid(id)
      ? await deps.db.settlement.findFirst({ where: { id: id.toLowerCase(), platformId: caller.platformId, environment: caller.environment }, select: { id: true } })
      : null;
    if (!found) throw notFound(`Settlement ${id}`);
    return found.id;
  }

  router.get('/v1/settlements/:id/events', requireScope('settlements:read'), async (req, res) => {
    const settlementId = await visibleSettlement(req);
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
    const settlementId = await visibleSettlement(req);
    const events = await deps.db.settlementEvent.findMany({ where: { settlementId } });
    res.json({ settlement_id: settlementId, ...verifyTrail(events) });
  });

  return router;
}
