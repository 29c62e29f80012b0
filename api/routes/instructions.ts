// KeyStone's instructions: each counterparty submits its own side of a trade; the pair that
// matches becomes a settlement (api/instructions/submit.ts).

import { isUuid } from '../../domain/ids.ts';
import { withTenant } from '../../db/tenant.ts';
import type { Models } from '../../db/client.ts';
import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import { conflict, notFound } from '../errors.ts';
import { dryRunInstruction } from '../instructions/dryRun.ts';
import { presentInstruction } from '../instructions/present.ts';
import type { DryRunDeps } from '../settlements/dryRun.ts';
import { isOpen, lockTrade, submitInstruction, TRADE_LOCK_WAIT, type InstructionDeps } from '../instructions/submit.ts';
import { createInstructionSchema, listInstructionsQuery } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import { queueInstructionEvent } from '../../webhooks/outbox.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { page, presentPage } from '../../db/page.ts';

async function requireInstruction(db: Models, id: string) {
  // The tenant view shows only the caller's own instructions: another's, like an unknown one, is not found.
  const found = isUuid(id) ? await db.instruction.findUnique({ where: { id } }) : null;
  if (!found) throw notFound(`Instruction ${id}`);
  return found;
}

export function instructionRoutes(deps: InstructionDeps & DryRunDeps) {
  return {
    'POST /v1/instructions': async (req, res) => {
      const body = parseOr422(createInstructionSchema, req.body ?? {}, 'body');
      const db = tenantDbOf(req);
      const { created, id } = await submitInstruction(deps, db, callerOf(req), body);
      res.status(created ? 201 : 200).json(presentInstruction(await requireInstruction(db, id)));
    },
    'POST /v1/instructions/dry-run': async (req, res) => {
      const body = parseOr422(createInstructionSchema, req.body ?? {}, 'body');
      res.json(await dryRunInstruction(deps, tenantDbOf(req), callerOf(req), body));
    },
    'GET /v1/instructions': async (req, res) => {
      const q = parseOr422(listInstructionsQuery, req.query, 'query');
      const now = new Date();
      // expired: stored pending past its expiry, or already written expired by the sweep.
      const byStatus = {
        pending_match: { status: 'pending_match', expiresAt: { gt: now } },
        expired: { OR: [{ status: 'expired' }, { status: 'pending_match', expiresAt: { lte: now } }] },
        matched: { status: 'matched' },
        cancelled: { status: 'cancelled' },
      };
      const where = { ...(q.status ? byStatus[q.status] : {}), ...(q.trade_reference ? { tradeReference: q.trade_reference } : {}) };
      const db = tenantDbOf(req);
      const found = await page(q, (slice) => db.instruction.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...slice }), () => db.instruction.count({ where }));
      res.json(presentPage(found, presentInstruction));
    },
    'GET /v1/instructions/{id}': async (req, res) => {
      res.json(presentInstruction(await requireInstruction(tenantDbOf(req), String(req.params.id))));
    },
    // KeyStone's cancel: only a side still waiting for its counterparty. Under the trade's lock, so
    // a cancel and a match of the same side cannot both happen.
    'DELETE /v1/instructions/{id}': async (req, res) => {
      const caller = callerOf(req);
      const { id, tradeReference } = await requireInstruction(tenantDbOf(req), String(req.params.id));
      const cancelled = await withTenant(deps.db, caller, async (tx) => {
        await lockTrade(tx, tradeReference);
        const row = await tx.instruction.findUniqueOrThrow({ where: { id } });
        if (!isOpen(row)) throw conflict('not_cancellable', 'Instruction is not cancellable');
        const cancelled = await tx.instruction.update({ where: { id }, data: { status: 'cancelled' } });
        await queueInstructionEvent(tx, cancelled, 'instruction.cancelled');
        return cancelled;
      }, TRADE_LOCK_WAIT);
      res.json(presentInstruction(cancelled));
    },
  } satisfies RouteHandlers;
}
