// /v1/platforms/me/environments (scope `admin`): KeyStone's environments of the caller's own
// platform. An environment is a tenant, so its rows are the deployment's: these routes read
// and write them as the owner, always narrowed to the caller's platform.

import { Router } from 'express';
import type { Db } from '../../db/client.ts';
import { createEnvironment, TenantExists } from '../../db/platforms.ts';
import { callerOf, requireScope } from '../auth/middleware.ts';
import { environmentIdOf } from '../derivedIds.ts';
import { conflict, notFound } from '../errors.ts';
import { pageQuery, platformEnvironmentCreateSchema, platformEnvironmentUpdateSchema } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';

const BASE = '/v1/platforms/me/environments';
type EnvironmentRow = NonNullable<Awaited<ReturnType<Db['environment']['findFirst']>>>;

export function environmentRoutes(deps: { db: Db }): Router {
  const router = Router();
  const { db } = deps;

  /** KeyStone's Environment; auth0_client_id is the platform's own IdP client id, else the environment's first Lockstep client. */
  async function present(rows: EnvironmentRow[]) {
    const clients = await db.apiClient.findMany({
      where: { platformId: rows[0]?.platformId ?? '', environment: { in: rows.map((r) => r.name) } },
      orderBy: { createdAt: 'asc' },
      select: { clientId: true, environment: true },
    });
    return rows.map((e) => ({
      id: environmentIdOf(e.platformId, e.name),
      platform_id: e.platformId,
      name: e.displayName ?? e.name,
      slug: e.name,
      auth0_client_id: e.externalClientId ?? clients.find((c) => c.environment === e.name)?.clientId ?? '',
      webhook_url: null,
      api_version: e.apiVersion,
      default_timeout_seconds: e.defaultTimeoutSeconds,
      is_active: e.active,
      rate_limit_rpm: e.rateLimitPerMinute,
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

  router.get(BASE, requireScope('admin'), async (req, res) => {
    const q = parseOr422(pageQuery, req.query, 'query');
    const where = { platformId: callerOf(req).platformId };
    const [rows, total] = await Promise.all([
      db.environment.findMany({ where, orderBy: [{ createdAt: 'asc' }, { name: 'asc' }], take: q.limit, skip: q.offset }),
      db.environment.count({ where }),
    ]);
    res.json({ items: await present(rows), total, limit: q.limit, offset: q.offset });
  });

  router.get(`${BASE}/:id`, requireScope('admin'), async (req, res) => {
    const [env] = await present([await requireOwn(callerOf(req).platformId, String(req.params.id))]);
    res.json(env);
  });

  router.post(BASE, requireScope('admin'), async (req, res) => {
    const caller = callerOf(req);
    const body = parseOr422(platformEnvironmentCreateSchema, req.body ?? {}, 'body');
    const created = await createEnvironment(db, caller.platformId, body.slug, {
      displayName: body.name,
      externalClientId: body.auth0_client_id ?? null,
      ...(body.default_timeout_seconds !== undefined ? { defaultTimeoutSeconds: body.default_timeout_seconds } : {}),
    }).catch((err: unknown) => {
      throw err instanceof TenantExists ? conflict('already_exists', err.message) : err;
    });
    res.status(201).json((await present([created]))[0]);
  });

  router.patch(`${BASE}/:id`, requireScope('admin'), async (req, res) => {
    const caller = callerOf(req);
    const env = await requireOwn(caller.platformId, String(req.params.id));
    const body = parseOr422(platformEnvironmentUpdateSchema, req.body ?? {}, 'body');
    if (body.is_active === false) refuseOwn(caller.environment, env);
    const updated = await db.environment.update({
      where: { platformId_name: { platformId: env.platformId, name: env.name } },
      data: {
        ...(body.name !== undefined ? { displayName: body.name } : {}),
        ...(body.default_timeout_seconds !== undefined ? { defaultTimeoutSeconds: body.default_timeout_seconds } : {}),
        ...(body.is_active !== undefined ? { active: body.is_active } : {}),
        ...(body.rate_limit_rpm !== undefined ? { rateLimitPerMinute: body.rate_limit_rpm } : {}),
      },
    });
    res.json((await present([updated]))[0]);
  });

  // KeyStone's DELETE deactivates: the environment's clients get no token and theirs fail at once; its data stays.
  router.delete(`${BASE}/:id`, requireScope('admin'), async (req, res) => {
    const caller = callerOf(req);
    const env = await requireOwn(caller.platformId, String(req.params.id));
    refuseOwn(caller.environment, env);
    const updated = await db.environment.update({ where: { platformId_name: { platformId: env.platformId, name: env.name } }, data: { active: false } });
    res.json((await present([updated]))[0]);
  });

  return router;
}

/** An admin deactivating the environment it works in would lock itself out; another environment's admin or the operator can. */
function refuseOwn(callerEnvironment: string, env: EnvironmentRow): void {
  if (env.name === callerEnvironment) throw conflict('operation_refused', `Environment ${env.name} is the one this token belongs to; deactivate it from another environment of the platform`);
}
