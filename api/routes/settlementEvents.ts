// The audit trail: GET /v1/settlements/{id}/events (oldest first) and its verifier.

import { eventContent, verifyTrail } from '../../db/auditTrail.ts';
import type { Db } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import { pageQuery } from '../schemas.ts';
import { requireSettlement } from '../settlements/present.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { page, presentPage } from '../../db/page.ts';

export function settlementEventRoutes(deps: { db: Db }) {
  return {
    'GET /v1/settlements/{id}/events': async (req, res) => {
      const caller = callerOf(req);
      const settlementId = (await requireSettlement(deps.db, caller, String(req.params.id))).id;
      const q = parseOr422(pageQuery, req.query, 'query');
      // One snapshot, so that the page and the total agree while events are being added.
      const events = await withTenant(deps.db, caller, (tx) =>
        page(q, (slice) => tx.settlementEvent.findMany({ where: { settlementId }, orderBy: { sequence: 'asc' }, ...slice }), () => tx.settlementEvent.count({ where: { settlementId } })),
      );
      // Only events written before the hash chain existed have none; KeyStone's clients expect a string.
      res.json(presentPage(events, (e) => ({ id: e.id, ...eventContent(e), content_hash: e.contentHash ?? '' })));
    },
    'GET /v1/settlements/{id}/events/verify': async (req, res) => {
      const db = tenantDbOf(req);
      const settlementId = (await requireSettlement(deps.db, callerOf(req), String(req.params.id))).id;
      const events = await db.settlementEvent.findMany({ where: { settlementId } });
      res.json({ settlement_id: settlementId, ...verifyTrail(events) });
    },
  } satisfies RouteHandlers;
}
