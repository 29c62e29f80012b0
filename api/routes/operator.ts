// /v1/operator (scope `operator`): what belongs to the deployment rather than to one platform:
// platforms and their environments, a first client for a new environment, any client's
// deactivation, the token signing keys and the sanctions lists.

import type { TokenService } from '../auth/tokens.ts';
import type { Db } from '../../db/client.ts';
import type { Environment, Platform } from '../../generated/prisma/client.ts';
import { createApiClient, deactivateApiClient } from '../../db/clients.ts';
import { createEnvironment, createPlatform, findPlatform, listPlatforms, setRateLimit, TenantExists, TenantNotFound, WITH_ENVIRONMENTS } from '../../db/platforms.ts';
import { latestListLoads, requestListRefresh } from '../../db/screening.ts';
import { KEY_ROTATION_NOTE, rotateSigningKey } from '../../db/signingKeys.ts';
import { presentListLoad } from '../../operations/present.ts';
import { affects } from '../activityLog.ts';
import { callerOf } from '../auth/middleware.ts';
import { conflict, notFound } from '../errors.ts';
import { createClientSchema, createEnvironmentSchema, createPlatformSchema, pageQuery, updateEnvironmentSchema } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import { presentClient, restrictionsOf, settingsOr422 } from '../apiClients.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { presentPage } from '../../db/page.ts';

const presentEnvironment = (e: Environment) => ({ name: e.name, rate_limit_per_minute: e.rateLimitPerMinute, created_at: e.createdAt.toISOString() });
const presentPlatform = (p: Platform & { environments: Environment[] }) => ({
  id: p.id,
  name: p.name,
  created_at: p.createdAt.toISOString(),
  environments: p.environments.map(presentEnvironment),
});

/** db/platforms.ts's refusals as HTTP answers. */
async function tenantCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TenantNotFound) throw notFound(err.message);
    if (err instanceof TenantExists) throw conflict('already_exists', err.message);
    throw err;
  }
}

export function operatorRoutes(deps: { db: Db; tokens: Pick<TokenService, 'forget'> & { settings: { secretsKey: Buffer } } }) {
  const { db } = deps;

  async function requirePlatform(idOrName: string) {
    const platform = await findPlatform(db, idOrName, WITH_ENVIRONMENTS);
    if (!platform) throw notFound(`Platform ${idOrName}`);
    return platform;
  }

  return {
    'GET /v1/operator/platforms': async (req, res) => {
      const q = parseOr422(pageQuery, req.query, 'query');
      res.json(presentPage(await listPlatforms(db, q), presentPlatform));
    },
    'POST /v1/operator/platforms': async (req, res) => {
      const body = parseOr422(createPlatformSchema, req.body ?? {}, 'body');
      const platform = await tenantCall(() => createPlatform(db, body.name, body.environments));
      res.status(201).json(presentPlatform(platform));
    },
    'GET /v1/operator/platforms/{platform}': async (req, res) => {
      res.json(presentPlatform(await requirePlatform(String(req.params.platform))));
    },
    'POST /v1/operator/platforms/{platform}/environments': async (req, res) => {
      const body = parseOr422(createEnvironmentSchema, req.body ?? {}, 'body');
      const environment = await tenantCall(() => createEnvironment(db, String(req.params.platform), body.name, { rateLimitPerMinute: body.rate_limit_per_minute }));
      affects(res, { platformId: environment.platformId, environment: environment.name });
      res.status(201).json(presentEnvironment(environment));
    },
    'PATCH /v1/operator/platforms/{platform}/environments/{environment}': async (req, res) => {
      const body = parseOr422(updateEnvironmentSchema, req.body ?? {}, 'body');
      const environment = await tenantCall(() => setRateLimit(db, String(req.params.platform), String(req.params.environment), body.rate_limit_per_minute));
      affects(res, { platformId: environment.platformId, environment: environment.name });
      res.json(presentEnvironment(environment));
    },
    // The way to give a new platform environment its first (admin) client; after that its own
    // admins manage their clients under /v1/platforms/me/clients.
    'POST /v1/operator/platforms/{platform}/environments/{environment}/clients': async (req, res) => {
      const body = parseOr422(createClientSchema, req.body ?? {}, 'body');
      // An unknown platform or environment is TenantNotFound here: 404.
      const created = await tenantCall(() =>
        settingsOr422(() =>
          createApiClient(db, { platform: String(req.params.platform), environment: String(req.params.environment), name: body.name, scopes: body.scopes, refreshPolicy: body.refresh_policy, restrictions: restrictionsOf(body) }),
        ),
      );
      const client = await db.apiClient.findUniqueOrThrow({ where: { clientId: created.client_id } });
      affects(res, client);
      res.status(201).set('Cache-Control', 'no-store').json({ ...presentClient(client), platform_id: created.platform_id, client_secret: created.client_secret });
    },
    // Incident response: any platform's client, at once.
    'POST /v1/operator/clients/{clientId}/deactivate': async (req, res) => {
      const clientId = String(req.params.clientId);
      const client = await db.apiClient.findUnique({ where: { clientId } });
      if (!client) throw notFound(`Client ${clientId}`);
      affects(res, client);
      await deactivateApiClient(db, clientId);
      // This process refuses its tokens from the next request on, not only once the database's notification arrives.
      deps.tokens.forget();
      res.json(presentClient({ ...client, active: false }));
    },
    'GET /v1/operator/signing-keys': async (_req, res) => {
      const keys = await db.signingKey.findMany({ orderBy: { createdAt: 'desc' } });
      res.json({ items: keys.map((k) => ({ kid: k.kid, algorithm: k.algorithm, created_at: k.createdAt.toISOString(), retired_at: k.retiredAt?.toISOString() ?? null })) });
    },
    'POST /v1/operator/signing-keys/rotate': async (_req, res) => {
      const kid = await rotateSigningKey(db, deps.tokens.settings.secretsKey);
      res.status(201).json({ kid, note: KEY_ROTATION_NOTE });
    },
    'GET /v1/operator/screening/lists': async (_req, res) => {
      res.json({ workers: (await latestListLoads(db)).map(presentListLoad) });
    },
    'POST /v1/operator/screening/lists/refresh': async (req, res) => {
      const requestId = await requestListRefresh(db, callerOf(req).clientId);
      res.status(202).json({ request_id: requestId, status_url: '/v1/operator/screening/lists' });
    },
  } satisfies RouteHandlers;
}
