// Platforms and their environments: the tenants. Made by an operator (CLI or /v1/operator);
// a client, settlement or webhook can only belong to an environment that already exists, so a
// mistyped name is refused rather than becoming a new, empty tenant.

import { CURRENT_API_VERSION } from '../domain/apiVersion.ts';
import { isUuid, TENANT_NAME } from '../domain/ids.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUniqueViolation, type Models } from './client.ts';
import { page, type PageWindow } from './page.ts';
import { LockstepError } from '../domain/errors.ts';

/** A platform's environments, oldest first, as every answer lists them. */
export const WITH_ENVIRONMENTS = { environments: { orderBy: { createdAt: 'asc' } } } as const;

export class TenantNotFound extends LockstepError {
  override readonly name = 'TenantNotFound';
}
export class TenantExists extends LockstepError {
  override readonly name = 'TenantExists';
}
/** A platform or environment name the deployment cannot use (it names schemas, logs and URLs). */
export class InvalidTenantName extends LockstepError {
  override readonly name = 'InvalidTenantName';
}

function checkName(kind: string, name: string): void {
  if (!TENANT_NAME.test(name)) throw new InvalidTenantName(`not a ${kind} name (letters, digits, "._-", at most 64): ${JSON.stringify(name)}`);
}

/** A platform looked up by its id or its name. */
export function findPlatform<I extends Prisma.PlatformInclude = Record<string, never>>(db: Models, idOrName: string, include?: I) {
  return db.platform.findUnique({ where: isUuid(idOrName) ? { id: idOrName.toLowerCase() } : { name: idOrName }, include: include as I });
}

export async function createPlatform(db: Models, name: string, environments: string[]) {
  checkName('platform', name);
  environments.forEach((e) => checkName('environment', e));
  try {
    return await db.platform.create({ data: { name, environments: { create: [...new Set(environments)].map((e) => ({ name: e })) } }, include: { environments: true } });
  } catch (err) {
    if (isUniqueViolation(err)) throw new TenantExists(`platform ${name} exists`);
    throw err;
  }
}

/** KeyStone's environment fields besides the name. */
export interface EnvironmentFields {
  rateLimitPerMinute?: number | null;
  displayName?: string | null;
  externalClientId?: string | null;
  defaultTimeoutSeconds?: number;
  fourEyes?: boolean;
}

export async function createEnvironment(db: Models, platformIdOrName: string, name: string, fields: EnvironmentFields = {}) {
  checkName('environment', name);
  const platform = await findPlatform(db, platformIdOrName);
  if (!platform) throw new TenantNotFound(`no platform ${platformIdOrName}`);
  try {
    return await db.environment.create({ data: { platformId: platform.id, name, apiVersion: CURRENT_API_VERSION, ...fields } });
  } catch (err) {
    if (isUniqueViolation(err)) throw new TenantExists(`platform ${platform.name} has an environment ${name}`);
    throw err;
  }
}

/** The environment, or TenantNotFound naming what is missing. */
export async function requireEnvironment(db: Models, platformIdOrName: string, environment: string) {
  const platform = await findPlatform(db, platformIdOrName);
  if (!platform) throw new TenantNotFound(`no platform ${platformIdOrName}; create it with "lockstep platforms create"`);
  const row = await db.environment.findUnique({ where: { platformId_name: { platformId: platform.id, name: environment } } });
  if (!row) throw new TenantNotFound(`platform ${platform.name} has no environment ${environment}; create it with "lockstep environments create"`);
  return { platform, environment: row };
}

/** The platform and its environment, created if new: for the dev stack's and the tests' fixtures. */
export async function ensureEnvironment(db: Models, platform: string, environment: string) {
  const row = await db.platform.upsert({ where: { name: platform }, create: { name: platform }, update: {} });
  await db.environment.upsert({ where: { platformId_name: { platformId: row.id, name: environment } }, create: { platformId: row.id, name: environment }, update: {} });
  return row;
}

/** An environment's own rate limit, or null for the deployment's. */
export async function setRateLimit(db: Models, platformIdOrName: string, environment: string, perMinute: number | null) {
  const { platform } = await requireEnvironment(db, platformIdOrName, environment);
  return db.environment.update({ where: { platformId_name: { platformId: platform.id, name: environment } }, data: { rateLimitPerMinute: perMinute } });
}

export async function listPlatforms(db: Models, window: PageWindow) {
  return page(window, (slice) => db.platform.findMany({ include: WITH_ENVIRONMENTS, orderBy: { createdAt: 'asc' }, ...slice }), () => db.platform.count());
}
