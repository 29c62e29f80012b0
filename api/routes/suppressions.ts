// POST /v1/compliance/suppressions: a reviewer records that a party is not a list entry,
// for a match the settlement's own screening found (so the entry's fingerprint comes from
// the trail, not from the caller). An exact hit cannot be suppressed.

import { Router } from 'express';
import { partyKey, type ScreeningMatch } from '../../compliance/screening';
import type { Db } from '../../db/client';
import { callerOf, requireScope } from '../auth/middleware';
import { validationFailed } from '../errors';
import { suppressionSchema } from '../schemas';
import { requireSettlement } from '../settlements/present';
import { parseOr422 } from '../validation';

const refuse = (field: string, msg: string) => validationFailed([{ loc: ['body', field], msg, type: 'value_error' }]);

export function suppressionRoutes(deps: { db: Db }): Router {
  const router = Router();
  router.post('/v1/compliance/suppressions', requireScope('settlements:write'), async (req, res) => {
    const caller = callerOf(req);
    const body = parseOr422(suppressionSchema, req.body ?? {}, 'body');
    const settlement = await requireSettlement(deps.db, caller, body.settlement_id);
    const party = settlement.parties.find((p) => p.role === body.party_role);
    if (!party) throw refuse('party_role', `the settlement has no party "${body.party_role}"`);

    const events = await deps.db.settlementEvent.findMany({ where: { settlementId: settlement.id }, orderBy: { sequence: 'desc' } });
    const match = events
      .flatMap((e) => ((e.payload as { screening?: { matches?: ScreeningMatch[] } }).screening?.matches ?? []))
      .find((m) => m.partyRole === body.party_role && m.list === body.list && m.entryId === body.entry_id);
    if (!match) throw refuse('entry_id', `the settlement's screening has no match of ${body.party_role} with ${body.list} entry ${body.entry_id}`);
    if (match.layer === 'wallet' || match.score >= 1) throw refuse('entry_id', 'an exact hit cannot be suppressed');

    const key = {
      platformId: caller.platformId,
      environment: caller.environment,
      partyKey: partyKey(party.externalReference, party.name),
      list: match.list,
      entryId: match.entryId,
      entryFingerprint: match.entryFingerprint,
    };
    const saved = await deps.db.screeningSuppression.upsert({
      where: { platformId_environment_partyKey_list_entryId_entryFingerprint: key },
      create: { ...key, reason: body.reason, createdBy: caller.clientId },
      update: {},
    });
    res.status(201).json({
      id: saved.id,
      settlement_id: settlement.id,
      party_role: body.party_role,
      list: saved.list,
      entry_id: saved.entryId,
      reason: saved.reason,
      created_by: saved.createdBy,
      created_at: saved.createdAt.toISOString(),
    });
  });
  return router;
}
