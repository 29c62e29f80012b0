// API clients on the wire, shared by a platform's client routes and the operator's: a client
// as the API shows it, restrictions as a body gives them, and db/clients.ts's refusals as a 422.

import type { ApiClient } from '../generated/prisma/client.ts';
import { InvalidClientSettings, type Restrictions } from '../db/clients.ts';
import { validationFailed } from './errors.ts';

export const presentClient = (c: ApiClient) => ({
  client_id: c.clientId,
  name: c.name,
  environment: c.environment,
  scopes: c.scopes,
  active: c.active,
  refresh_policy: c.refreshPolicy,
  ip_ranges: c.allowedIpRanges,
  endpoints: c.permittedEndpoints,
  wallets: c.allowedWallets,
  created_at: c.createdAt.toISOString(),
});

export const restrictionsOf = (r: { ip_ranges?: string[]; endpoints?: string[]; wallets?: string[] }): Restrictions => ({ ipRanges: r.ip_ranges, endpoints: r.endpoints, wallets: r.wallets });

/** A malformed scope or restriction from db/clients.ts as a 422 on the body. */
export async function settingsOr422<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InvalidClientSettings) throw validationFailed([{ loc: ['body'], msg: err.message, type: 'value_error' }]);
    throw err;
  }
}
