// The API the CLI's API commands talk to: the dev stack's bootstrap client, unless
// LOCKSTEP_API_URL, LOCKSTEP_CLIENT_ID and LOCKSTEP_CLIENT_SECRET say otherwise.

import { DEV_DATA_DIR, manifestPath, readJson, type Manifest } from '../stack/manifest.ts';
import { LockstepApi } from './apiClient.ts';

export interface ApiCredentials {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  audience: string | undefined;
}

export function apiCredentials(): ApiCredentials {
  const manifest = readJson<Manifest>(manifestPath(DEV_DATA_DIR));
  const apiUrl = process.env.LOCKSTEP_API_URL ?? manifest?.api_url;
  const clientId = process.env.LOCKSTEP_CLIENT_ID ?? manifest?.client.client_id;
  const clientSecret = process.env.LOCKSTEP_CLIENT_SECRET ?? manifest?.client.client_secret;
  if (!apiUrl || !clientId || !clientSecret) throw new Error('no API credentials: start the dev stack, or set LOCKSTEP_API_URL, LOCKSTEP_CLIENT_ID and LOCKSTEP_CLIENT_SECRET');
  return { apiUrl, clientId, clientSecret, audience: manifest?.client.audience };
}

/** Signed in with `credentials`; `api.authenticate` with the same signs in again after a 401. */
export async function signedInApi(credentials = apiCredentials()): Promise<LockstepApi> {
  const api = new LockstepApi(credentials.apiUrl);
  await api.authenticate(credentials.clientId, credentials.clientSecret, credentials.audience);
  return api;
}
