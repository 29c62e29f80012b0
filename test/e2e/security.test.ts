// Tokens attacked as an attacker would: each attempt must be refused. The tokens are
// crafted here; where a genuine signature is needed (an expired token, a wrong audience),
// the test signs with the deployment's own key, read from the database as only an insider could.

import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../access/scopes.ts';
import { ROUTES, type RouteSpec } from '../../api/routeTable.ts';
import { type ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { deactivateApiClient, updateApiClient } from '../../db/clients.ts';
import { freePort } from '../../stack/ports.ts';
import { serviceProcess } from '../../stack/services.ts';
import { fixtureClient } from '../support/clients.ts';
import { openSecret, secretKey } from '../../db/secretBox.ts';
import { rotateSigningKey } from '../../db/signingKeys.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction, type SettlementView } from '../support/settlements.ts';

const { manifest, secrets, dataDir } = stackContext();
const services = withServices();
const AUDIENCE = manifest.client.audience;
const ISSUER = 'https://auth.lockstep.local/';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];
const claimsOf = (token: string) => JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString()) as Record<string, unknown>;

async function call(token: string | undefined, path = '/v1/settlements', method = 'GET') {
  const res = await fetch(new URL(path, manifest.api_url), { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * The answer once a change made in the database (not through this API process) has reached it:
 * the process hears of it by notification (lockstep_auth), which may arrive just after the next
 * request, and keeps a verified token no longer than the second this waits.
 */
async function afterChange<T extends { status: number }>(ask: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 1000;
  let answer = await ask();
  while (answer.status === 200 && Date.now() < deadline) answer = await ask();
  return answer;
}

async function newClient(opts: { refreshPolicy?: 'issettled' } = {}) {
  const client = await fixtureClient(services().db, { platform: 'security-platform', environment: 'sandbox', name: 'target', scopes: ['settlements:read'], ...opts });
  const res = await fetch(new URL('/oauth/token', manifest.api_url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }),
  });
  const body = (await res.json()) as { access_token: string; refresh_within?: number };
  return { client, token: body.access_token, body };
}

/** The deployment's current signing key, as an insider would hold it. */
async function realKey() {
  const row = await services().db.signingKey.findFirstOrThrow({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } });
  const jwk = JSON.parse(openSecret(secretKey(secrets.secrets_key), row.privateKeySealed)) as JWK;
  return { kid: row.kid, key: await importJWK(jwk, 'ES256') };
}

function signed(claims: Record<string, unknown>, key: Awaited<ReturnType<typeof importJWK>>, kid: string, overrides: { aud?: string; iss?: string; exp?: number } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
    .setAudience(overrides.aud ?? AUDIENCE)
    .setIssuer(overrides.iss ?? ISSUER)
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? Math.floor(Date.now() / 1000) + 3600)
    .sign(key);
}

describe('revocation across API processes', () => {
  // A second API process on the same database: what one process is told, the other learns by
  // notification (lockstep_auth), within the second its token cache promises.
  let other: ReturnType<typeof serviceProcess> | undefined;
  let otherUrl = '';
  beforeAll(async () => {
    const port = await freePort();
    otherUrl = `http://127.0.0.1:${port}`;
    const logDir = join(dataDir, 'logs', 'security-api-b');
    mkdirSync(logDir, { recursive: true });
    other = await serviceProcess('api', manifest, secrets, { logDir, env: { API_PORT: String(port) } }).start();
  });
  afterAll(async () => other?.stop());

  const callOther = async (token: string) => {
    const res = await fetch(new URL('/v1/settlements', otherUrl), { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  it('refuses a token revoked through one process in the other within a second', async () => {
    const { token } = await newClient();
    // Both processes have verified (and cached) the token before it is revoked.
    expect((await callOther(token)).status).toBe(200);
    expect((await call(token)).status).toBe(200);
    expect(await call(token, '/oauth/revoke', 'POST')).toMatchObject({ status: 200 });
    expect(await afterChange(() => callOther(token))).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/revoked/) } });
  });

  it("refuses a client deactivated through one process in the other within a second", async () => {
    const admin = await fixtureClient(services().db, { platform: 'security-platform', environment: 'sandbox', name: 'admin', scopes: ['admin', 'settlements:read'] });
    const adminApi = new LockstepApi(manifest.api_url);
    await adminApi.authenticate(admin.client_id, admin.client_secret);
    const { client, token } = await newClient();
    expect((await callOther(token)).status).toBe(200);
    await adminApi.request('PATCH', `/v1/platforms/me/clients/${client.client_id}`, { active: false });
    expect(await afterChange(() => callOther(token))).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/deactivated/) } });
  });
});

describe('token attacks', () => {
  it('a genuine token works, and verifies against the published JWKS', async () => {
    const { token } = await newClient();
    expect((await call(token)).status).toBe(200);
    const jwks = (await (await fetch(new URL('/.well-known/jwks.json', manifest.api_url))).json()) as { keys: JWK[] };
    expect(jwks.keys.some((k) => k.kid === decodeProtectedHeader(token).kid)).toBe(true);
    expect(jwks.keys.every((k) => !('d' in k))).toBe(true);
    await expect(jwtVerify(token, createLocalJWKSet(jwks), { audience: AUDIENCE, issuer: ISSUER })).resolves.toBeDefined();
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const { token } = await newClient();
    const [header, payload] = parts(token);
    const none = `${b64({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), alg: 'none' })}.${payload}.`;
    expect(await call(none)).toMatchObject({ status: 401 });
  });

  it('refuses a token signed with another key, even under the real kid', async () => {
    const { token } = await newClient();
    const { privateKey } = await generateKeyPair('ES256');
    expect(await call(await signed(claimsOf(token), privateKey, decodeProtectedHeader(token).kid!))).toMatchObject({ status: 401 });
    // An HS256 token "signed" with the public key: the algorithm confusion attack.
    const jwks = (await (await fetch(new URL('/.well-known/jwks.json', manifest.api_url))).json()) as { keys: JWK[] };
    const confused = await new SignJWT(claimsOf(token))
      .setProtectedHeader({ alg: 'HS256', kid: decodeProtectedHeader(token).kid! })
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    expect(await call(confused)).toMatchObject({ status: 401 });
  });

  it('refuses an expired token, a wrong audience and a wrong issuer, though genuinely signed', async () => {
    const { token } = await newClient();
    const { kid, key } = await realKey();
    const claims = claimsOf(token);
    delete claims.aud;
    delete claims.iss;
    delete claims.exp;
    delete claims.iat;
    expect(await call(await signed(claims, key, kid, { exp: Math.floor(Date.now() / 1000) - 60 }))).toMatchObject({ status: 401, body: { detail: 'the access token has expired' } });
    expect(await call(await signed(claims, key, kid, { aud: 'https://elsewhere.example' }))).toMatchObject({ status: 401 });
    expect(await call(await signed(claims, key, kid, { iss: 'https://evil.example/' }))).toMatchObject({ status: 401 });
    // Genuinely signed, but never issued: an unknown jti.
    expect(await call(await signed({ ...claims, jti: randomUUID() }, key, kid))).toMatchObject({ status: 401 });
  });

  it('refuses tampered claims', async () => {
    const { token } = await newClient();
    const [header, , signature] = parts(token);
    for (const change of [{ scope: 'settlements:read settlements:write admin' }, { platform_id: manifest.client.platform_id }, { environment: 'production' }]) {
      expect(await call(`${header}.${b64({ ...claimsOf(token), ...change })}.${signature}`)).toMatchObject({ status: 401 });
    }
  });

  it('refuses a revoked token at once', async () => {
    const { token } = await newClient();
    expect((await call(token)).status).toBe(200);
    expect(await call(token, '/oauth/revoke', 'POST')).toMatchObject({ status: 200 });
    expect(await call(token)).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/revoked/) } });
  });

  it('revokes a token not refreshed within 15 minutes under the IsSettled policy', async () => {
    const { token, body } = await newClient({ refreshPolicy: 'issettled' });
    expect(body.refresh_within).toBe(900);
    expect(await call(token, '/oauth-token/refresh', 'POST')).toMatchObject({ status: 200, body: { refresh_by: expect.any(String) } });
    const { jti } = claimsOf(token) as { jti: string };
    // 16 minutes pass without a refresh.
    await services().db.accessToken.update({ where: { jti }, data: { lastRefreshedAt: new Date(Date.now() - 16 * 60_000) } });
    expect(await afterChange(() => call(token))).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/not refreshed within 15 minutes/) } });
    // Revoked for good: refreshing now is too late.
    expect(await call(token, '/oauth-token/refresh', 'POST')).toMatchObject({ status: 401 });
    expect((await services().db.accessToken.findUniqueOrThrow({ where: { jti } })).revokedAt).not.toBeNull();
  });

  it("refuses a deactivated client's live token at once, and gives it no new one", async () => {
    const { client, token } = await newClient();
    expect((await call(token)).status).toBe(200);
    await deactivateApiClient(services().db, client.client_id);
    expect(await afterChange(() => call(token))).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/deactivated/) } });
    const again = await fetch(new URL('/oauth/token', manifest.api_url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }),
    });
    expect(again.status).toBe(401);
  });

  it('keeps old tokens valid across a key rotation, and accepts tokens of the new key at once', async () => {
    const { token, client } = await newClient();
    const before = decodeProtectedHeader(token).kid;
    const kid = await rotateSigningKey(services().db, secretKey(secrets.secrets_key));
    expect(kid).not.toBe(before);
    expect((await call(token)).status).toBe(200);
    // A token of the new key (as another API process would issue it) verifies without a restart.
    const { key } = await realKey();
    const jti = randomUUID();
    await services().db.accessToken.create({ data: { jti, clientId: client.client_id, issuedAt: new Date(), expiresAt: new Date(Date.now() + 3600_000), lastRefreshedAt: new Date() } });
    const fresh = await signed({ ...claimsOf(token), jti, aud: undefined, iss: undefined, exp: undefined, iat: undefined }, key, kid);
    expect((await call(fresh)).status).toBe(200);
    const jwks = (await (await fetch(new URL('/.well-known/jwks.json', manifest.api_url))).json()) as { keys: JWK[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([before, kid]));
  });
});

describe('client restrictions and session tokens', () => {
  const asToken = (token: string) => new LockstepApi(manifest.api_url, token);
  const failure = (p: Promise<unknown>) => p.then(() => 200, (e: ApiRequestError) => e.status);

  /** A client of restricted-platform/sandbox with write access, restricted as asked. */
  async function restricted(restrictions: Parameters<typeof updateApiClient>[2]) {
    const client = await fixtureClient(services().db, { platform: 'restricted-platform', environment: 'sandbox', name: 'r', scopes: ['settlements:read', 'settlements:write'] });
    await updateApiClient(services().db, client.client_id, restrictions);
    const api = new LockstepApi(manifest.api_url);
    const issued = await api.authenticate(client.client_id, client.client_secret).then(() => 200, (e: ApiRequestError) => e.status);
    return { api, client, issued };
  }

  it('refuses a call from outside the allowed IP ranges, at the token endpoint and with a live token', async () => {
    expect((await restricted({ ipRanges: ['10.0.0.0/8'] })).issued).toBe(403);
    const local = await restricted({ ipRanges: ['127.0.0.0/8', '::1/128'] });
    expect(local.issued).toBe(200);
    expect(await failure(local.api.request('GET', '/v1/settlements'))).toBe(200);
    // The range changes under a live token: refused within the second.
    await updateApiClient(services().db, local.client.client_id, { ipRanges: ['192.0.2.0/24'] });
    expect((await afterChange(async () => ({ status: await failure(local.api.request('GET', '/v1/settlements')) }))).status).toBe(403);
  });

  it('refuses every scoped route to a token that holds every scope but the ones it takes (generated from the route table)', async () => {
    let checked = 0;
    const takes = new Map<string, RouteSpec[]>();
    for (const route of ROUTES.filter((r) => r.scope)) {
      const scopes = [route.scope!].flat().sort().join(',');
      takes.set(scopes, [...(takes.get(scopes) ?? []), route]);
    }
    for (const [scopes, routes] of takes) {
      const lacking = scopes.split(',');
      const client = await fixtureClient(services().db, { platform: 'scope-platform', environment: 'sandbox', name: `no-${scopes}`, scopes: SCOPES.filter((s) => !lacking.includes(s)) });
      const api = new LockstepApi(manifest.api_url);
      await api.authenticate(client.client_id, client.client_secret);
      for (const route of routes) {
        const path = route.path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000099');
        const answer = await api.request(route.method.toUpperCase(), path, route.method === 'get' || route.method === 'delete' ? undefined : {}).catch((e: ApiRequestError) => e);
        expect(answer, `${route.method.toUpperCase()} ${route.path} without ${scopes}`).toMatchObject({ status: 403, body: { code: 'forbidden' } });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
  });

  it('refuses an endpoint the client is not permitted', async () => {
    const { api } = await restricted({ endpoints: ['GET /v1/settlements', 'GET /v1/settlements/*'] });
    expect(await failure(api.request('GET', '/v1/settlements'))).toBe(200);
    expect(await failure(api.request('GET', '/v1/settlements/00000000-0000-4000-8000-000000000099'))).toBe(404);
    expect(await failure(api.request('GET', '/v1/settlements/00000000-0000-4000-8000-000000000099/events'))).toBe(403);
    expect(await failure(api.request('POST', '/v1/settlements', dvpInstruction(manifest)))).toBe(403);
  });

  it("limits a wallet-restricted client to settlements involving its wallets: another's is 404, creating one is 403", async () => {
    const open = (await restricted({})).api;
    const stranger = dvpInstruction(manifest);
    stranger.parties[0]!.wallet_address = '0x1111111111111111111111111111111111111111';
    stranger.parties[1]!.wallet_address = '0x2222222222222222222222222222222222222222';
    const theirs = await open.request<SettlementView>('POST', '/v1/settlements', stranger);
    const ours = await open.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));

    const { api } = await restricted({ wallets: [manifest.wallets.seller.address] });
    expect(await failure(api.request('GET', `/v1/settlements/${theirs.id}`))).toBe(404);
    expect(await failure(api.request('GET', `/v1/settlements/${theirs.id}/events`))).toBe(404);
    expect(await failure(api.request('GET', `/v1/settlements/${ours.id}`))).toBe(200);
    const listed = await api.request<{ items: { id: string }[] }>('GET', '/v1/settlements?limit=200');
    expect(listed.items.map((i) => i.id)).toContain(ours.id);
    expect(listed.items.map((i) => i.id)).not.toContain(theirs.id);
    expect(await failure(api.request('POST', '/v1/settlements', { ...stranger, idempotency_key: randomUUID() }))).toBe(403);
    expect(await failure(api.request('POST', '/v1/settlements', dvpInstruction(manifest)))).toBe(200);
  });

  it('limits a session token to its settlements and scopes, and ends it with its revocation', async () => {
    const { api } = await restricted({});
    const one = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const other = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const session = await api.request<{ session_id: string; access_token: string; expires_in: number; scope: string; metadata: unknown }>('POST', '/v1/sessions', {
      scopes: ['settlements:read'], ttl_seconds: 600, settlement_ids: [one.id], metadata: { user: 'ops-42', purpose: 'support' },
    });
    expect(session).toMatchObject({ scope: 'settlements:read', metadata: { user: 'ops-42', purpose: 'support' } });
    expect(session.expires_in).toBeLessThanOrEqual(600);
    const s = asToken(session.access_token);
    expect(await failure(s.request('GET', `/v1/settlements/${one.id}`))).toBe(200);
    expect(await failure(s.request('GET', `/v1/settlements/${other.id}`))).toBe(404);
    expect((await s.request<{ items: { id: string }[] }>('GET', '/v1/settlements')).items.map((i) => i.id)).toEqual([one.id]);
    expect(await failure(s.request('POST', '/v1/settlements', dvpInstruction(manifest)))).toBe(403);
    // A session cannot widen itself or make more sessions; bad requests are refused.
    expect(await failure(s.request('POST', '/v1/sessions', {}))).toBe(403);
    expect(await failure(api.request('POST', '/v1/sessions', { scopes: ['admin'] }))).toBe(422);
    expect(await failure(api.request('POST', '/v1/sessions', { ttl_seconds: 30 }))).toBe(422);
    expect(await failure(api.request('POST', '/v1/sessions', { ttl_seconds: 86_401 }))).toBe(422);
    expect(await failure(api.request('POST', '/v1/sessions', { settlement_ids: [randomUUID()] }))).toBe(422);

    await api.request('DELETE', `/v1/sessions/${session.session_id}`);
    expect(await failure(s.request('GET', `/v1/settlements/${one.id}`))).toBe(401);

    // Revoking the token that made a session ends the session too.
    const second = await api.request<{ access_token: string }>('POST', '/v1/sessions', {});
    expect(await failure(asToken(second.access_token).request('GET', '/v1/settlements'))).toBe(200);
    await api.request('POST', '/oauth/revoke');
    expect(await failure(asToken(second.access_token).request('GET', '/v1/settlements'))).toBe(401);
  });
});

describe('sessions and privileged scopes', () => {
  it('gives a session made without a scope list neither admin nor operator, and either only when named', async () => {
    const asToken = (token: string) => new LockstepApi(manifest.api_url, token);
    const failure = (p: Promise<unknown>) => p.then(() => 200, (e: ApiRequestError) => e.status);
    const client = await fixtureClient(services().db, { platform: 'session-platform', environment: 'sandbox', name: 'ops', scopes: ['settlements:read', 'admin', 'operator'] });
    const api = new LockstepApi(manifest.api_url);
    await api.authenticate(client.client_id, client.client_secret);
    const careless = await api.request<{ scope: string; access_token: string }>('POST', '/v1/sessions');
    expect(careless.scope).toBe('settlements:read');
    expect(await failure(asToken(careless.access_token).request('GET', '/v1/platforms/me/clients'))).toBe(403);
    expect(await failure(asToken(careless.access_token).request('GET', '/v1/operator/platforms'))).toBe(403);
    const named = await api.request<{ scope: string }>('POST', '/v1/sessions', { scopes: ['admin'] });
    expect(named.scope).toBe('admin');
    // A token of privileged scopes alone must name what its session gets.
    const adminOnly = await fixtureClient(services().db, { platform: 'session-platform', environment: 'sandbox', name: 'admin-only', scopes: ['admin'] });
    const admin = new LockstepApi(manifest.api_url);
    await admin.authenticate(adminOnly.client_id, adminOnly.client_secret);
    expect(await failure(admin.request('POST', '/v1/sessions', {}))).toBe(422);
  });
});

describe('activity log and secrets', () => {
  it('records mutating calls and authentication failures with who, what, where and the outcome', async () => {
    const client = await fixtureClient(services().db, { platform: 'activity-platform', environment: 'sandbox', name: 'a', scopes: ['settlements:read', 'settlements:write', 'compliance:review', 'admin'] });
    const api = new LockstepApi(manifest.api_url);
    await api.authenticate(client.client_id, client.client_secret);
    const created = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    await api.request('POST', '/v1/settlements', {}).catch(() => undefined);
    const session = await api.request<{ access_token: string; session_id: string }>('POST', '/v1/sessions', { metadata: { user: 'ops-7' } });
    await new LockstepApi(manifest.api_url, session.access_token).request('POST', '/v1/compliance/suppressions', {}).catch(() => undefined);
    const wrongSecret = await fetch(new URL('/oauth/token', manifest.api_url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'guess' }),
    });
    expect(wrongSecret.status).toBe(401);
    const badToken = `bad-token-${randomUUID()}`;
    expect((await call(badToken)).status).toBe(401);

    // The log is written once each answer is sent: give it a moment.
    await new Promise((r) => setTimeout(r, 500));
    const log = (await api.request<{ items: { client_id: string; session_id: string | null; session_metadata: unknown; method: string; path: string; status: number; code: string | null; ip: string }[] }>('GET', '/v1/admin/activity?limit=50')).items;
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ client_id: client.client_id, method: 'POST', path: '/oauth/token', status: 200 }),
        expect.objectContaining({ client_id: client.client_id, method: 'POST', path: '/v1/settlements', status: 201, ip: expect.stringMatching(/127\.0\.0\.1|::1/) }),
        expect.objectContaining({ client_id: client.client_id, method: 'POST', path: '/v1/settlements', status: 422, code: 'validation_error' }),
        expect.objectContaining({ session_id: session.session_id, session_metadata: { user: 'ops-7' }, path: '/v1/compliance/suppressions', status: 422 }),
      ]),
    );
    expect(log.some((e) => e.path === `/v1/settlements/${created.id}`)).toBe(false); // reads are not logged
    const failures = (await api.request<{ items: { status: number }[] }>('GET', '/v1/admin/activity?failures=true&limit=50')).items;
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((e) => e.status >= 400)).toBe(true);
    // Failures of unidentified callers are kept for operators (the CLI reads every platform's).
    const strangers = await services().db.activityLog.findMany({ where: { platformId: null, status: 401, createdAt: { gt: new Date(Date.now() - 60_000) } } });
    expect(strangers.some((e) => e.path === '/v1/settlements' && e.method === 'GET')).toBe(true);
    expect(await services().db.activityLog.findFirst({ where: { clientId: client.client_id, path: '/oauth/token', status: 401 } })).not.toBeNull();
  });

  it('never shows a secret again after creation, in any answer or log', async () => {
    const client = await fixtureClient(services().db, { platform: 'secret-platform', environment: 'sandbox', name: 's', scopes: ['platform:webhooks:manage', 'admin'] });
    const api = new LockstepApi(manifest.api_url);
    const token = await api.authenticate(client.client_id, client.client_secret);
    const hook = await api.request<{ id: string; secret: string }>('POST', '/v1/platforms/me/webhooks', { url: 'http://127.0.0.1:9/hooks' });
    const rotated = await api.request<{ new_secret: string }>('POST', `/v1/platforms/me/webhooks/${hook.id}/rotate-secret`);
    const secrets = [client.client_secret, hook.secret, rotated.new_secret];

    const answers = JSON.stringify([
      await api.request('GET', '/v1/platforms/me/webhooks'),
      await api.request('GET', `/v1/platforms/me/webhooks/${hook.id}`),
      await api.request('GET', '/v1/admin/activity?limit=200'),
    ]);
    await new Promise((r) => setTimeout(r, 500));
    const logDir = join(stackContext().dataDir, 'logs');
    const logs = readdirSync(logDir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => readFileSync(join(f.parentPath, f.name), 'latin1'))
      .join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of [...secrets, token]) {
      expect(answers.includes(secret)).toBe(false);
      expect(logs.includes(secret)).toBe(false);
    }
    const rows = JSON.stringify(await services().db.activityLog.findMany({ where: { clientId: client.client_id } }));
    for (const secret of secrets) expect(rows.includes(secret)).toBe(false);
  });
});

describe('managing clients over the API (admin)', () => {
  it('creates clients without escalation, restricts, rotates and deactivates them, and never shows a secret twice', async () => {
    const adminClient = await fixtureClient(services().db, { platform: 'managed-platform', environment: 'sandbox', name: 'admin', scopes: ['settlements:read', 'admin'] });
    const admin = new LockstepApi(manifest.api_url);
    await admin.authenticate(adminClient.client_id, adminClient.client_secret);
    const status = (p: Promise<unknown>) => p.then(() => 200, (e: ApiRequestError) => e.status);

    // No more scopes than the creator holds.
    expect(await status(admin.request('POST', '/v1/platforms/me/clients', { name: 'writer', scopes: ['settlements:write'] }))).toBe(422);
    expect(await status(admin.request('POST', '/v1/platforms/me/clients', { name: 'x', scopes: ['settlements:read'], ip_ranges: ['not-a-range'] }))).toBe(422);
    const made = await admin.request<{ client_id: string; client_secret: string; scopes: string[]; environment: string }>('POST', '/v1/platforms/me/clients', {
      name: 'reader', scopes: ['settlements:read'], endpoints: ['GET /v1/settlements'],
    });
    expect(made).toMatchObject({ scopes: ['settlements:read'], environment: 'sandbox' });
    const reader = new LockstepApi(manifest.api_url);
    await reader.authenticate(made.client_id, made.client_secret);
    expect(await status(reader.request('GET', '/v1/settlements'))).toBe(200);
    expect(await status(reader.request('GET', '/v1/settlements/00000000-0000-4000-8000-000000000099'))).toBe(403);

    const listed = JSON.stringify(await admin.request('GET', '/v1/platforms/me/clients'));
    expect(listed).toContain(made.client_id);
    expect(listed).not.toContain(made.client_secret);

    // A malformed restriction creates nothing.
    expect(JSON.stringify(await admin.request('GET', '/v1/platforms/me/clients'))).not.toContain('"name":"x"');

    // A plain rotation: the old secret stops working, live tokens go on (no outage).
    const rotated = await admin.request<{ client_secret: string; revoked_tokens: number }>('POST', `/v1/platforms/me/clients/${made.client_id}/rotate-secret`);
    expect(rotated.revoked_tokens).toBe(0);
    expect(await status(new LockstepApi(manifest.api_url).authenticate(made.client_id, made.client_secret))).toBe(401);
    expect(await status(new LockstepApi(manifest.api_url).authenticate(made.client_id, rotated.client_secret))).toBe(200);
    expect(await status(reader.request('GET', '/v1/settlements'))).toBe(200);
    // A leaked secret: rotated with revoke_tokens, every live token fails at once.
    const leaked = await admin.request<{ client_secret: string; revoked_tokens: number }>('POST', `/v1/platforms/me/clients/${made.client_id}/rotate-secret`, { revoke_tokens: true });
    expect(leaked.revoked_tokens).toBe(2);
    expect(await status(reader.request('GET', '/v1/settlements'))).toBe(401);
    await reader.authenticate(made.client_id, leaked.client_secret);
    expect(await status(reader.request('GET', '/v1/settlements'))).toBe(200);

    await admin.request('PATCH', `/v1/platforms/me/clients/${made.client_id}`, { active: false });
    expect(await status(reader.request('GET', '/v1/settlements'))).toBe(401);
    // Another environment's admin cannot see or touch it.
    const other = await fixtureClient(services().db, { platform: 'managed-platform', environment: 'production', name: 'admin', scopes: ['admin'] });
    const otherAdmin = new LockstepApi(manifest.api_url);
    await otherAdmin.authenticate(other.client_id, other.client_secret);
    expect(await status(otherAdmin.request('POST', `/v1/platforms/me/clients/${made.client_id}/rotate-secret`))).toBe(404);
  });
});
