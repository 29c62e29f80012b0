// /v1/platforms/me/environments (scope `admin`): KeyStone's environments of the caller's own
// platform. An environment is a tenant, so its rows are the deployment's: these routes read
// and write them as the owner, always narrowed to the caller's platform. KeyStone's
// environment webhook_url is kept as a webhook endpoint of that environment, for every event.

import type { TokenService } from '../auth/tokens.ts';
import type { Db } from '../../db/client.ts';
import { createEnvironment, TenantExists } from '../../db/platforms.ts';
import { sealSecret } from '../../db/secretBox.ts';
import { callerOf } from '../auth/middleware.ts';
import { environmentIdOf } from '../derivedIds.ts';
import { conflict, notFound, validationFailed } from '../errors.ts';
import { pageQuery, platformEnvironmentCreateSchema, platformEnvironmentUpdateSchema } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import { createEndpoint, safeWebhookUrl, type EndpointDeps } from '../webhookEndpoints.ts';
import type { RouteHandlers } from '../routeTable.ts';
import { page } from '../../db/page.ts';

type EnvironmentRow = NonNullable<Awaited<ReturnType<Db['environment']['findFirst']>>>;
const WITH_WEBHOOK = { webhookEndpoint: { select: { url: true } } } as const;
type Presentable = EnvironmentRow & { webhookEndpoint: { url: string } | null };
const keyOf = (env: EnvironmentRow) => ({ platformId_name: { platformId: env.platformId, name: env.name } });

export function environmentRoutes(deps: { db: Db; webhooks: EndpointDeps; tokens: Pick<TokenService, 'forget'> }) {
  const { db } = deps;

  /**
   * Points the environment's webhook_url at `url` (null: none), keeping one endpoint for it;
   * answers the secret when this made it, since it is shown only once.
   */
  async function setWebhook(env: EnvironmentRow, url: string | null | undefined, secret: string | undefined, createdBy: string): Promise<string | undefined> {
    if (url === undefined && secret === undefined) return undefined;
    const current = env.webhookEndpointId ? await db.webhookEndpoint.findUnique({ where: { id: env.webhookEndpointId } }) : null;
    if (url === null) {
      if (current) await db.webhookEndpoint.delete({ where: { id: current.id } });
      return undefined;
    }
    if (url === undefined && !current) throw validationFailed([{ loc: ['body', 'webhook_secret'], msg: 'the environment has no webhook_url to sign for; give one', type: 'value_error' }]);
    const checked = url === undefined ? undefined : await safeWebhookUrl(deps.webhooks, url, env.name, ['body', 'webhook_url']);
    if (current) {
      await db.webhookEndpoint.update({
        where: { id: current.id },
        data: { ...(checked ? { url: checked } : {}), ...(secret ? { secretCiphertext: sealSecret(deps.webhooks.secretKey, secret), previousSecretCiphertext: null, previousSecretExpiresAt: null } : {}) },
      });
      return undefined;
    }
    const made = await createEndpoint(db, deps.webhooks, { platformId: env.platformId, environment: env.name, createdBy }, { url: checked!, description: "the environment's webhook_url", events: ['*'], secret });
    await db.environment.update({ where: keyOf(env), data: { webhookEndpointId: made.endpoint.id } });
    return secret ? undefined : made.secret;
  }

  const reread = (env: EnvironmentRow) => db.environment.findUniqueOrThrow({ where: keyOf(env), include: WITH_WEBHOOK });

  /** KeyStone's Environment; auth0_client_id is the platform's own IdP client id, else the environment's first Lockstep client. */
  async function present(rows: Presentable[]) {
    // A page past the end has no platform to ask about (and '' is no uuid to PostgreSQL).
    if (!rows.length) return [];
    const clients = await db.apiClient.findMany({
      where: { platformId: rows[0]!.platformId, environment: { in: rows.map((r) => r.name) } },
      orderBy: { createdAt: 'asc' },
      select: { clientId: true, environment: true },
    });
    return rows.map((e) => ({
      id: environmentIdOf(e.platformId, e.name),
      platform_id: e.platformId,
      name: e.displayName ?? e.name,
      slug: e.name,
      auth0_client_id: e.externalClientId ?? clients.find((c) => c.environment === e.name)?.clientId ?? '',
      webhook_url: e.webhookEndpoint?.url ?? null,
      api_version: e.apiVersion,
      default_timeout_seconds: e.defaultTimeoutSeconds,
      is_active: e.active,
      rate_limit_rpm: e.rateLimitPerMinute,
      four_eyes: e.fourEyes,
      created_at: e.createdAt.toISOString(),
      updated_at: e.updatedAt.toISOString(),
    }));
  }

  /** The caller's platform's environment with this id; another platform's, or a malformed id, is not found. */
  async function requireOwn(platformId: string, id: string): Promise<EnvironmentRow> {
    const rows = await db.environment.findMany({ where: { platformId } });
    const found = rows.find((e) => environmentIdOf(e.platformId, e.name) === id.toLowerCase());
    if (!found) throw notFound(`Environment ${id}`);
    return found;
  }

  return {
    'GET /v1/platforms/me/environments': async (req, res) => {
      const q = parseOr422(pageQuery, req.query, 'query');
      const where = { platformId: callerOf(req).platformId };
      const found = await page(q, (slice) => db.environment.findMany({ where, include: WITH_WEBHOOK, orderBy: [{ createdAt: 'asc' }, { name: 'asc' }], ...slice }), () => db.environment.count({ where }));
      res.json({ ...found, items: await present(found.items) });
    },
    'GET /v1/platforms/me/environments/{id}': async (req, res) => {
      const [env] = await present([await reread(await requireOwn(callerOf(req).platformId, String(req.params.id)))]);
      res.json(env);
    },
    'POST /v1/platforms/me/environments': async (req, res) => {
      const caller = callerOf(req);
      const body = parseOr422(platformEnvironmentCreateSchema, req.body ?? {}, 'body');
      // Checked before anything is made, so a refused URL leaves no environment behind.
      if (body.webhook_url) await safeWebhookUrl(deps.webhooks, body.webhook_url, body.slug, ['body', 'webhook_url']);
      if (body.webhook_secret && !body.webhook_url) throw validationFailed([{ loc: ['body', 'webhook_secret'], msg: 'give the webhook_url it signs for', type: 'value_error' }]);
      const created = await createEnvironment(db, caller.platformId, body.slug, {
        displayName: body.name,
        externalClientId: body.auth0_client_id ?? null,
        ...(body.default_timeout_seconds !== undefined ? { defaultTimeoutSeconds: body.default_timeout_seconds } : {}),
        ...(body.four_eyes !== undefined ? { fourEyes: body.four_eyes } : {}),
      }).catch((err: unknown) => {
        throw err instanceof TenantExists ? conflict('already_exists', err.message) : err;
      });
      const secret = await setWebhook(created, body.webhook_url, body.webhook_secret, caller.clientId);
      res.status(201).json({ ...(await present([await reread(created)]))[0], ...(secret ? { webhook_secret: secret } : {}) });
    },
    'PATCH /v1/platforms/me/environments/{id}': async (req, res) => {
      const caller = callerOf(req);
      const env = await requireOwn(caller.platformId, String(req.params.id));
      const body = parseOr422(platformEnvironmentUpdateSchema, req.body ?? {}, 'body');
      if (body.is_active === false) refuseOwn(caller.environment, env);
      const updated = await db.environment.update({
        where: keyOf(env),
        data: {
          ...(body.name !== undefined ? { displayName: body.name } : {}),
          ...(body.default_timeout_seconds !== undefined ? { defaultTimeoutSeconds: body.default_timeout_seconds } : {}),
          ...(body.is_active !== undefined ? { active: body.is_active } : {}),
          ...(body.rate_limit_rpm !== undefined ? { rateLimitPerMinute: body.rate_limit_rpm } : {}),
          ...(body.four_eyes !== undefined ? { fourEyes: body.four_eyes } : {}),
        },
      });
      // This process sees a deactivation or a new version pin from the next request on, not only once the database's notification arrives.
      deps.tokens.forget();
      const secret = await setWebhook(updated, body.webhook_url, body.webhook_secret, caller.clientId);
      res.json({ ...(await present([await reread(updated)]))[0], ...(secret ? { webhook_secret: secret } : {}) });
    },
    // KeyStone's DELETE deactivates: the environment's clients get no token and theirs fail at once; its data stays.
    'DELETE /v1/platforms/me/environments/{id}': async (req, res) => {
      const caller = callerOf(req);
      const env = await requireOwn(caller.platformId, String(req.params.id));
      refuseOwn(caller.environment, env);
      const updated = await db.environment.update({ where: keyOf(env), data: { active: false }, include: WITH_WEBHOOK });
      deps.tokens.forget();
      res.json((await present([updated]))[0]);
    },
  } satisfies RouteHandlers;
}

/** An admin deactivating the environment it works in would lock itself out; another environment's admin or the operator can. */
function refuseOwn(callerEnvironment: string, env: EnvironmentRow): void {
  if (env.name === callerEnvironment) throw conflict('operation_refused', `Environment ${env.name} is the one this token belongs to; deactivate it from another environment of the platform`);
}
