import { Router } from 'express';
import { callerOf, requireScope } from '../auth/middleware';
import { unsupportedMediaType } from '../errors';
import { createSettlementSchema, listSettlementsQuery } from '../schemas';
import { createSettlement, type CreateDeps } from '../settlements/create';
import { findSettlement, listSettlements, presentSettlement, requireSettlement, type PresentDeps } from '../settlements/present';
import { parseOr422 } from '../validation';

export function settlementRoutes(deps: CreateDeps & PresentDeps): Router {
  const router = Router();

  router.post('/v1/settlements', requireScope('settlements:write'), async (req, res) => {
    const caller = callerOf(req);
    if (!req.is('application/json')) throw unsupportedMediaType();
    const body = parseOr422(createSettlementSchema, req.body ?? {}, 'body');
    const { created, id } = await createSettlement(deps, caller, body);
    const settlement = await findSettlement(deps.db, caller.platformId, caller.environment, id);
    res.status(created ? 201 : 200).json(await presentSettlement(deps, settlement!));
  });

  router.get('/v1/settlements', requireScope('settlements:read'), async (req, res) => {
    const caller = callerOf(req);
    const query = parseOr422(listSettlementsQuery, req.query, 'query');
    const { items, total } = await listSettlements(deps.db, caller.platformId, caller.environment, query);
    res.json({
      items: await Promise.all(items.map((s) => presentSettlement(deps, s))),
      total,
      limit: query.limit,
      offset: query.offset,
    });
  });

  router.get('/v1/settlements/:id', requireScope('settlements:read'), async (req, res) => {
    const caller = callerOf(req);
    res.json(await presentSettlement(deps, await requireSettlement(deps.db, caller, String(req.params.id))));
  });

  return router;
}
