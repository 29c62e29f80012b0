import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import { forbidden } from '../errors.ts';
import { createSettlementSchema, listSettlementsQuery } from '../schemas.ts';
import type { Request } from 'express';
import { createSettlement } from '../settlements/create.ts';
import { dryRunSettlement, type DryRunDeps } from '../settlements/dryRun.ts';
import { listSettlements, presentSettlement, presentSettlements, requireSettlement, type PresentDeps } from '../settlements/present.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';

/** A create's body, from a caller who may create it: its session is not limited to some settlements, and it names one of the client's wallets if it has any. A dry run asks the same. */
function creation(req: Request) {
  const caller = callerOf(req);
  const body = parseOr422(createSettlementSchema, req.body ?? {}, 'body');
  if (caller.settlementIds) throw forbidden('A session limited to some settlements cannot create one');
  const wallets = new Set(caller.wallets.map((w) => w.toLowerCase()));
  if (wallets.size && !body.parties.some((p) => wallets.has(p.wallet_address.toLowerCase()))) {
    throw forbidden('This client may only create settlements involving its allowed wallets');
  }
  return { caller, body };
}

export function settlementRoutes(deps: DryRunDeps & PresentDeps) {
  return {
    'POST /v1/settlements': async (req, res) => {
      const { caller, body } = creation(req);
      const db = tenantDbOf(req);
      const { created, id } = await createSettlement(deps, db, caller, body);
      // An idempotent repeat may name a settlement this caller cannot see: not found, as any other.
      res.status(created ? 201 : 200).json(await presentSettlement(deps, await requireSettlement(deps.db, caller, id), caller));
    },
    'POST /v1/settlements/dry-run': async (req, res) => {
      const { caller, body } = creation(req);
      res.json(await dryRunSettlement(deps, tenantDbOf(req), caller, body));
    },
    'GET /v1/settlements': async (req, res) => {
      const caller = callerOf(req);
      const query = parseOr422(listSettlementsQuery, req.query, 'query');
      const found = await listSettlements(deps.db, caller, query);
      res.json({ ...found, items: await presentSettlements(deps, found.items, caller) });
    },
    'GET /v1/settlements/{id}': async (req, res) => {
      const caller = callerOf(req);
      res.json(await presentSettlement(deps, await requireSettlement(deps.db, caller, String(req.params.id)), caller));
    },
    // KeyStone's tokenised repo pairs an opening and a closing settlement; Lockstep has no repos yet, so none is related.
    'GET /v1/settlements/{id}/related': async (req, res) => {
      await requireSettlement(deps.db, callerOf(req), String(req.params.id));
      res.json({ opening: null, closing: null });
    },
  } satisfies RouteHandlers;
}