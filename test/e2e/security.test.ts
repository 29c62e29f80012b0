// Tokens attacked as an attacker would: each attempt must be refused. The tokens are
// crafted here; where a genuine signature is needed (an expired token, a wrong audience),
// the test signs with the deployment's own key, read from the database as only an insider could.

import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { rotateSigningKey } from '../../api/auth/tokens';
import { createApiClient, deactivateApiClient } from '../../db/clients';
import { openSecret, secretKey } from '../../db/secretBox';
import { stackContext, withServices } from '../support/services';

const { manifest, secrets } = stackContext();
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

async function newClient(opts: { refreshPolicy?: 'issettled' } = {}) {
  const client = await createApiClient(services().db, { platform: 'security-platform', environment: 'sandbox', name: 'target', scopes: ['settlements:read'], ...opts });
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
    .sign(key as Parameters<SignJWT['sign']>[0]);
}

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
    expect(await call(token)).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/not refreshed within 15 minutes/) } });
    // Revoked for good: refreshing now is too late.
    expect(await call(token, '/oauth-token/refresh', 'POST')).toMatchObject({ status: 401 });
    expect((await services().db.accessToken.findUniqueOrThrow({ where: { jti } })).revokedAt).not.toBeNull();
  });

  it("refuses a deactivated client's live token at once, and gives it no new one", async () => {
    const { client, token } = await newClient();
    expect((await call(token)).status).toBe(200);
    await deactivateApiClient(services().db, client.client_id);
    expect(await call(token)).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/deactivated/) } });
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
