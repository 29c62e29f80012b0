// Screening suppressions: a reviewer records that a party is not a list entry, for a match
// the settlement's own screening found (so the entry's fingerprint comes from the trail,
// not from the caller); lists them; revokes one. An exact hit cannot be suppressed. Every
// change is an event in the suppression's history: who, what, when and why.

import { partyKey } from '../../compliance/screening.ts';
import { isUniqueViolation, type Models } from '../../db/client.ts';
import type { Tenant } from '../../db/tenant.ts';
import { callerOf, tenantDbOf } from '../auth/middleware.ts';
import { notFound, validationFailed } from '../errors.ts';
import { isExact, type TrailMatch } from '../presentScreening.ts';
import { revokeSuppressionSchema, suppressionListQuery, suppressionSchema } from '../schemas.ts';
import type { Db } from '../../db/client.ts';
import { requireSettlement } from '../settlements/present.ts';
import { actingOn } from '../../db/settlementScope.ts';
import { isUuid } from '../../domain/ids.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { page, presentPage } from '../../db/page.ts';

const refuse = (field: string, msg: string) => validationFailed([{ loc: ['body', field], msg, type: 'value_error' }]);

const withHistory = { events: { orderBy: { createdAt: 'asc' as const } } };

type SuppressionRow = NonNullable<Awaited<ReturnType<typeof findSuppression>>>;

function findSuppression(db: Models, caller: Tenant, id: string) {
  if (!isUuid(id)) return Promise.resolve(null);
  return db.screeningSuppression.findFirst({ where: { id, platformId: caller.platformId, environment: caller.environment }, include: withHistory });
}

async function requireSuppression(db: Models, caller: Tenant, id: string): Promise<SuppressionRow> {
  const found = await findSuppression(db, caller, id);
  if (!found) throw notFound(`Suppression ${id}`);
  return found;
}

const present = (s: SuppressionRow) => ({
  id: s.id,
  settlement_id: s.settlementId,
  party_role: s.partyRole,
  list: s.list,
  entry_id: s.entryId,
  entry_name: s.entryName,
  status: s.active ? ('active' as const) : ('revoked' as const),
  reason: s.reason,
  created_by: s.createdBy,
  created_at: s.createdAt.toISOString(),
  history: s.events.map((e) => ({ action: e.action, actor: e.actor, reason: e.reason, at: e.createdAt.toISOString() })),
});

export function suppressionRoutes(deps: { db: Db }) {
  return {
    'POST /v1/compliance/suppressions': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      const body = parseOr422(suppressionSchema, req.body ?? {}, 'body');
      const settlement = await requireSettlement(deps.db, actingOn(caller), body.settlement_id);
      const party = settlement.parties.find((p) => p.role === body.party_role);
      if (!party) throw refuse('party_role', `the settlement has no party "${body.party_role}"`);

      const events = await db.settlementEvent.findMany({ where: { settlementId: settlement.id }, orderBy: { sequence: 'desc' } });
      const match = events
        .flatMap((e) => ((e.payload as { screening?: { matches?: TrailMatch[] } }).screening?.matches ?? []))
        .find((m) => m.partyRole === body.party_role && m.list === body.list && m.entryId === body.entry_id);
      if (!match) throw refuse('entry_id', `the settlement's screening has no match of ${body.party_role} with ${body.list} entry ${body.entry_id}`);
      if (isExact(match)) throw refuse('entry_id', 'an exact hit cannot be suppressed');

      const key = {
        platformId: caller.platformId,
        environment: caller.environment,
        partyKey: partyKey(party.externalReference, party.name),
        list: match.list,
        entryId: match.entryId,
        entryFingerprint: match.entryFingerprint,
      };
      const where = { platformId_environment_partyKey_list_entryId_entryFingerprint: key };
      const history = { actor: caller.clientId, reason: body.reason };
      const existing = await db.screeningSuppression.findUnique({ where });
      if (existing?.active) {
        res.status(200).json(present(await requireSuppression(db, caller, existing.id)));
        return;
      }
      try {
        const saved = existing
          ? await db.screeningSuppression.update({
              where: { id: existing.id },
              data: { active: true, reason: body.reason, events: { create: { action: 'reactivated', ...history } } },
            })
          : await db.screeningSuppression.create({
              data: {
                ...key,
                entryName: match.entryName,
                settlementId: settlement.id,
                partyRole: body.party_role,
                reason: body.reason,
                createdBy: caller.clientId,
                events: { create: { action: 'created', ...history } },
              },
            });
        res.status(201).json(present(await requireSuppression(db, caller, saved.id)));
      } catch (err) {
        // A concurrent request recorded the same suppression first: answer with it.
        if (!isUniqueViolation(err)) throw err;
        const winner = await db.screeningSuppression.findUniqueOrThrow({ where });
        res.status(200).json(present(await requireSuppression(db, caller, winner.id)));
      }
    },
    'GET /v1/compliance/suppressions': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      const q = parseOr422(suppressionListQuery, req.query, 'query');
      const where = {
        platformId: caller.platformId,
        environment: caller.environment,
        ...(q.status === 'all' ? {} : { active: q.status === 'active' }),
      };
      const found = await page(q, (slice) => db.screeningSuppression.findMany({ where, include: withHistory, orderBy: { createdAt: 'desc' }, ...slice }), () => db.screeningSuppression.count({ where }));
      res.json(presentPage(found, present));
    },
    'GET /v1/compliance/suppressions/{id}': async (req, res) => {
      const db = tenantDbOf(req);
      res.json(present(await requireSuppression(db, callerOf(req), String(req.params.id))));
    },
    'POST /v1/compliance/suppressions/{id}/revoke': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      // Another environment's suppression is 404 whatever the body says.
      const found = await requireSuppression(db, caller, String(req.params.id));
      const { reason } = parseOr422(revokeSuppressionSchema, req.body ?? {}, 'body');
      // Revoking twice changes nothing and adds no history.
      if (found.active) {
        await db.screeningSuppression.update({
          where: { id: found.id },
          data: { active: false, events: { create: { action: 'revoked', actor: caller.clientId, reason } } },
        });
      }
      res.json(present(await requireSuppression(db, caller, found.id)));
    },
  } satisfies RouteHandlers;
}
