// M2M API clients: created with a plain secret that is returned once and stored hashed.

import { hashSecret, newClientId, newClientSecret } from '../access/secrets.ts';
import { ENDPOINT_PATTERN, isIpRange } from '../access/restrictions.ts';
import { isScope, type Scope } from '../access/scopes.ts';
import { isRecordNotFound, type Models } from './client.ts';
import { requireEnvironment } from './platforms.ts';
import { LockstepError } from '../domain/errors.ts';

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

/** A malformed scope or restriction, with the reason (the API answers 422 with it). */
export class InvalidClientSettings extends LockstepError {
  override readonly name = 'InvalidClientSettings';
}
export class ClientNotFound extends LockstepError {
  override readonly name = 'ClientNotFound';
}

/** In an existing platform environment (TenantNotFound otherwise); nothing is written when a setting is malformed. */
export async function createApiClient(
  db: Models,
  input: { platform: string; environment: string; name: string; scopes: string[]; refreshPolicy?: 'issettled'; restrictions?: Restrictions },
): Promise<NewClient> {
  const unknown = input.scopes.filter((s) => !isScope(s));
  if (unknown.length) throw new InvalidClientSettings(`unknown scope(s): ${unknown.join(', ')}`);
  const restrictions = restrictionData(input.restrictions ?? {});
  const { platform } = await requireEnvironment(db, input.platform, input.environment);
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
      ...restrictions,
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
export async function deactivateApiClient(db: Models, clientId: string): Promise<void> {
  const { count } = await db.apiClient.updateMany({ where: { clientId }, data: { active: false } });
  if (!count) throw new ClientNotFound(`no client ${clientId}`);
}

export interface Restrictions {
  ipRanges?: string[];
  endpoints?: string[];
  wallets?: string[];
}

/** Restrictions as columns (an empty list lifts one), or InvalidClientSettings naming each malformed entry. */
function restrictionData(r: Restrictions) {
  const bad = [
    ...(r.ipRanges ?? []).filter((x) => !isIpRange(x)).map((x) => `not an IP range: ${x}`),
    ...(r.endpoints ?? []).filter((x) => !ENDPOINT_PATTERN.test(x)).map((x) => `not "METHOD /path": ${x}`),
    ...(r.wallets ?? []).filter((x) => !/^0x[0-9a-fA-F]{40}$/.test(x)).map((x) => `not a wallet address: ${x}`),
  ];
  if (bad.length) throw new InvalidClientSettings(bad.join('; '));
  return {
    ...(r.ipRanges ? { allowedIpRanges: r.ipRanges } : {}),
    ...(r.endpoints ? { permittedEndpoints: r.endpoints } : {}),
    ...(r.wallets ? { allowedWallets: r.wallets.map((w) => w.toLowerCase()) } : {}),
  };
}

/**
 * A client's restrictions and whether it is active, in one statement, so a change is made whole
 * or not at all. Deactivation takes effect at once: the client's live tokens fail from the next request.
 */
export async function updateApiClient(db: Models, clientId: string, change: Restrictions & { active?: boolean | undefined }): Promise<Required<Restrictions>> {
  const data = { ...restrictionData(change), ...(change.active !== undefined ? { active: change.active } : {}) };
  const client = await db.apiClient.update({ where: { clientId }, data }).catch((err: unknown) => {
    throw isRecordNotFound(err) ? new ClientNotFound(`no client ${clientId}`) : err;
  });
  return { ipRanges: client.allowedIpRanges, endpoints: client.permittedEndpoints, wallets: client.allowedWallets };
}

/**
 * A new secret for a client, returned once; the old one stops working at once. Its live tokens
 * stay valid, so a service can rotate without an outage, unless `revokeTokens` (a leaked
 * secret): then they and their sessions fail from the next request. Two statements: give it a
 * transaction, so that a secret is never changed without the revocation asked for.
 */
export async function rotateClientSecret(tx: Models, clientId: string, options: { revokeTokens?: boolean } = {}): Promise<{ secret: string; revokedTokens: number }> {
  const secret = newClientSecret();
  const { count } = await tx.apiClient.updateMany({ where: { clientId }, data: { secretHash: await hashSecret(secret) } });
  if (!count) throw new ClientNotFound(`no client ${clientId}`);
  if (!options.revokeTokens) return { secret, revokedTokens: 0 };
  const revoked = await tx.accessToken.updateMany({
    where: { clientId, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { revokedAt: new Date(), revokedReason: 'client secret rotated' },
  });
  return { secret, revokedTokens: revoked.count };
}
