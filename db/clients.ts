// M2M API clients: created with a plain secret that is returned once and stored hashed.

import { hashSecret, newClientId, newClientSecret } from '../api/auth/secrets';
import { ENDPOINT_PATTERN, isIpRange } from '../api/auth/restrictions';
import { isScope, type Scope } from '../api/auth/scopes';
import type { Db } from './client';

/** The platform and its environment, created if new. */
export async function ensureEnvironment(db: Db, platform: string, environment: string) {
  const row = await db.platform.upsert({ where: { name: platform }, create: { name: platform }, update: {} });
  await db.environment.upsert({ where: { platformId_name: { platformId: row.id, name: environment } }, create: { platformId: row.id, name: environment }, update: {} });
  return row;
}

/** An environment's own rate limit, or null for the deployment's. */
export async function setRateLimit(db: Db, platform: string, environment: string, perMinute: number | null): Promise<void> {
  const row = await db.platform.findUnique({ where: { name: platform } });
  const { count } = row ? await db.environment.updateMany({ where: { platformId: row.id, name: environment }, data: { rateLimitPerMinute: perMinute } }) : { count: 0 };
  if (!count) throw new Error(`no environment ${environment} of platform ${platform}`);
}

export interface NewClient {
  client_id: string;
  client_secret: string;
  name: string;
  platform_id: string;
  platform: string;
  environment: string;
  scopes: Scope[];
  refresh_policy: 'issettled' | null;
}

export async function createApiClient(
  db: Db,
  input: { platform: string; environment: string; name: string; scopes: string[]; refreshPolicy?: 'issettled' },
): Promise<NewClient> {
  const unknown = input.scopes.filter((s) => !isScope(s));
  if (unknown.length) throw new Error(`unknown scope(s): ${unknown.join(', ')}`);
  const platform = await ensureEnvironment(db, input.platform, input.environment);
  const clientId = newClientId();
  const clientSecret = newClientSecret();
  await db.apiClient.create({
    data: {
      clientId,
      secretHash: await hashSecret(clientSecret),
      name: input.name,
      platformId: platform.id,
      environment: input.environment,
      scopes: input.scopes,
      refreshPolicy: input.refreshPolicy ?? null,
    },
  });
  return {
    client_id: clientId,
    client_secret: clientSecret,
    name: input.name,
    platform_id: platform.id,
    platform: platform.name,
    environment: input.environment,
    scopes: input.scopes as Scope[],
    refresh_policy: input.refreshPolicy ?? null,
  };
}

/** A deactivated client gets no new token, and its live tokens fail at once. */
export async function deactivateApiClient(db: Db, clientId: string): Promise<void> {
  const { count } = await db.apiClient.updateMany({ where: { clientId }, data: { active: false } });
  if (!count) throw new Error(`no client ${clientId}`);
}

export interface Restrictions {
  ipRanges?: string[];
  endpoints?: string[];
  wallets?: string[];
}

/** Sets a client's restrictions (an empty list lifts one); refuses malformed entries with the reason. */
export async function restrictApiClient(db: Db, clientId: string, r: Restrictions): Promise<Required<Restrictions>> {
  const bad = [
    ...(r.ipRanges ?? []).filter((x) => !isIpRange(x)).map((x) => `not an IP range: ${x}`),
    ...(r.endpoints ?? []).filter((x) => !ENDPOINT_PATTERN.test(x)).map((x) => `not "METHOD /path": ${x}`),
    ...(r.wallets ?? []).filter((x) => !/^0x[0-9a-fA-F]{40}$/.test(x)).map((x) => `not a wallet address: ${x}`),
  ];
  if (bad.length) throw new Error(bad.join('; '));
  const client = await db.apiClient.update({
    where: { clientId },
    data: {
      ...(r.ipRanges ? { allowedIpRanges: r.ipRanges } : {}),
      ...(r.endpoints ? { permittedEndpoints: r.endpoints } : {}),
      ...(r.wallets ? { allowedWallets: r.wallets.map((w) => w.toLowerCase()) } : {}),
    },
  });
  return { ipRanges: client.allowedIpRanges, endpoints: client.permittedEndpoints, wallets: client.allowedWallets };
}

/** A new secret for a client, returned once; the old one stops working at once (its live tokens do not). */
export async function rotateClientSecret(db: Db, clientId: string): Promise<string> {
  const secret = newClientSecret();
  const { count } = await db.apiClient.updateMany({ where: { clientId }, data: { secretHash: await hashSecret(secret) } });
  if (!count) throw new Error(`no client ${clientId}`);
  return secret;
}
