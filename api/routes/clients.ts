// /v1/platforms/me/clients (scope admin): a platform environment's M2M clients: created with
// no more scopes than the caller holds, restricted, given a new secret, deactivated. A secret
// is shown once, when created or rotated; only its hash is kept.

import type { TokenService } from '../auth/tokens.ts';
import type { Db, Models } from '../../db/client.ts';
import { withTenant, type Tenant } from '../../db/tenant.ts';
import { createApiClient, updateApiClient, rotateClientSecret } from '../../db/clients.ts';
import type { ApiClient } from '../../generated/prisma/client.ts';
import { presentClient, restrictionsOf, settingsOr422 } from '../apiClients.ts';
import { callerOf, requireGrantable, tenantDbOf } from '../auth/middleware.ts';
import { forbidden, notFound } from '../errors.ts';
import { scopesBeyond } from '../../access/scopes.ts';
import type { AuthContext } from '../auth/tokens.ts';
import { createClientSchema, pageQuery, rotateClientSecretSchema, updateClientSchema } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { page, presentPage } from '../../db/page.ts';

export function clientRoutes(deps: { db: Db; tokens: Pick<TokenService, 'forget'> }) {
  async function requireClient(db: Models, caller: Tenant, clientId: string): Promise<ApiClient> {
    const found = await db.apiClient.findFirst({ where: { clientId, platformId: caller.platformId, environment: caller.environment } });
    if (!found) throw notFound(`Client ${clientId}`);
    return found;
  }

  /**
   * No escalation by management either: whoever could rotate a client's secret, lift its
   * restrictions or switch it off could act as it (or silence it), so a caller manages only
   * clients whose scopes it holds itself; the operator's clients stay the operator's.
   */
  async function requireManageable(db: Models, caller: AuthContext, clientId: string): Promise<ApiClient> {
    const client = await requireClient(db, caller, clientId);
    const extra = scopesBeyond(caller.scopes, client.scopes);
    if (extra.length) throw forbidden(`Client ${clientId} holds scopes this token lacks (${extra.join(', ')}); only a token with them can manage it`);
    return client;
  }

  return {
    'GET /v1/platforms/me/clients': async (req, res) => {
      const db = tenantDbOf(req);
      const { platformId, environment } = callerOf(req);
      const q = parseOr422(pageQuery, req.query, 'query');
      const where = { platformId, environment };
      const found = await page(q, (slice) => db.apiClient.findMany({ where, orderBy: { createdAt: 'desc' }, ...slice }), () => db.apiClient.count({ where }));
      res.json(presentPage(found, presentClient));
    },
    'POST /v1/platforms/me/clients': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      const body = parseOr422(createClientSchema, req.body ?? {}, 'body');
      requireGrantable(caller, body.scopes);
      const created = await settingsOr422(() =>
        createApiClient(db, { platform: caller.platformId, environment: caller.environment, name: body.name, scopes: body.scopes, refreshPolicy: body.refresh_policy, restrictions: restrictionsOf(body) }),
      );
      const client = await requireClient(db, caller, created.client_id);
      res.status(201).set('Cache-Control', 'no-store').json({ ...presentClient(client), client_secret: created.client_secret });
    },
    'PATCH /v1/platforms/me/clients/{clientId}': async (req, res) => {
      const db = tenantDbOf(req);
      const caller = callerOf(req);
      const client = await requireManageable(db, caller, String(req.params.clientId));
      const body = parseOr422(updateClientSchema, req.body ?? {}, 'body');
      await settingsOr422(() => updateApiClient(db, client.clientId, { ...restrictionsOf(body), active: body.active }));
      // This process refuses the client's tokens from the next request on, not only once the database's notification arrives.
      deps.tokens.forget();
      res.json(presentClient(await requireClient(db, caller, client.clientId)));
    },
    'POST /v1/platforms/me/clients/{clientId}/rotate-secret': async (req, res) => {
      const db = tenantDbOf(req);
      const client = await requireManageable(db, callerOf(req), String(req.params.clientId));
      const body = parseOr422(rotateClientSecretSchema, req.body ?? {}, 'body');
      const { secret, revokedTokens } = await withTenant(deps.db, callerOf(req), (tx) => rotateClientSecret(tx, client.clientId, { revokeTokens: body.revoke_tokens }));
      deps.tokens.forget();
      res.set('Cache-Control', 'no-store').json({ client_id: client.clientId, client_secret: secret, revoked_tokens: revokedTokens });
    },
  } satisfies RouteHandlers;
}