// POST /v1/sessions: IsSettled's session tokens. An m2m token hands a shorter-lived token,
// with some of its scopes and perhaps only some settlements, to a less trusted part of the
// platform (a browser, a partner); the session answers to the client's own restrictions too,
// and ends when revoked or when the token that made it is revoked.

import type { Db } from '../../db/client.ts';
import { isUuid } from '../../domain/ids.ts';
import { callerOf, requireGrantable, tenantDbOf } from '../auth/middleware.ts';
import { PRIVILEGED_SCOPES } from '../../access/scopes.ts';
import type { TokenService } from '../auth/tokens.ts';
import { forbidden, notFound, validationFailed } from '../errors.ts';
import { createSessionSchema } from '../schemas.ts';
import { settlementWhere } from '../../db/settlementScope.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';

export function sessionRoutes(deps: { db: Db; tokens: TokenService }) {
  return {
    'POST /v1/sessions': async (req, res) => {
      const caller = callerOf(req);
      if (caller.session || req.officeUser) throw forbidden('Only a client\'s own (m2m) token can create sessions');
      const body = parseOr422(createSessionSchema, req.body ?? {}, 'body');
      // Without a list, the parent's scopes but the privileged ones: a session made carelessly never administers.
      const scopes = body.scopes ?? caller.scopes.filter((s) => !PRIVILEGED_SCOPES.includes(s));
      if (!scopes.length) throw validationFailed([{ loc: ['body', 'scopes'], msg: 'this token holds only privileged scopes; name the ones the session needs', type: 'missing' }]);
      requireGrantable(caller, scopes);
      if (body.settlement_ids) {
        const ids = body.settlement_ids.map((id) => id.toLowerCase());
        const visible = await tenantDbOf(req).settlement.findMany({ where: { AND: [settlementWhere(caller), { id: { in: ids } }] }, select: { id: true } });
        const unknown = ids.filter((id) => !visible.some((v) => v.id === id));
        if (unknown.length) throw validationFailed([{ loc: ['body', 'settlement_ids'], msg: `no such settlements: ${unknown.join(', ')}`, type: 'value_error' }]);
      }
      // A session never outlives the token that made it.
      const parent = await tenantDbOf(req).accessToken.findUniqueOrThrow({ where: { jti: caller.jti } });
      const expiresAt = new Date(Math.min(Date.now() + body.ttl_seconds * 1000, parent.expiresAt.getTime()));
      const settlementIds = body.settlement_ids?.map((id) => id.toLowerCase()) ?? [];
      const metadata = body.metadata ?? null;
      const { token, jti } = await deps.tokens.issue(
        { clientId: caller.clientId, platformId: caller.platformId, environment: caller.environment, scopes },
        { parentJti: caller.jti, settlementIds, metadata, expiresAt },
      );
      res.status(201).set('Cache-Control', 'no-store').json({
        session_id: jti,
        access_token: token,
        token_type: 'Bearer',
        expires_in: Math.round((expiresAt.getTime() - Date.now()) / 1000),
        expires_at: expiresAt.toISOString(),
        scope: scopes.join(' '),
        settlement_ids: settlementIds.length ? settlementIds : null,
        metadata,
      });
    },
    'DELETE /v1/sessions/{id}': async (req, res) => {
      const caller = callerOf(req);
      const id = String(req.params.id);
      const session = isUuid(id) ? await tenantDbOf(req).accessToken.findFirst({ where: { jti: id, kind: 'session', clientId: caller.clientId } }) : null;
      if (!session) throw notFound(`Session ${id}`);
      await deps.tokens.revoke(session.jti, `session revoked by ${caller.clientId}`);
      res.status(204).end();
    },
  } satisfies RouteHandlers;
}
