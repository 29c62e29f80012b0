import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../api/routeTable.ts';
import { CURRENT_API_VERSION } from '../../domain/apiVersion.ts';
import { fixtureClient } from '../support/clients.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();

async function post(path: string, body: unknown, token?: string, raw = false) {
  const res = await fetch(new URL(path, manifest.api_url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function tokenFor(scopes: string[]) {
  const client = await fixtureClient(services().db, { platform: 'demo-platform', environment: 'sandbox', name: 'scoped', scopes });
  const res = await post('/oauth/token', { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret });
  return res.body.access_token as string;
}

const ERROR_FIELDS = ['detail', 'code', 'short_message', 'long_message', 'troubleshooting_id', 'timestamp', 'endpoint_url', 'service_name', 'build_version', 'member_identification'];

describe('idempotency', () => {
  it('answers a repeat with the same settlement (200) and a changed body with 409', async () => {
    const token = await tokenFor(['settlements:write', 'settlements:read']);
    const body = dvpInstruction(manifest);
    const first = await post('/v1/settlements', body, token);
    expect(first.status).toBe(201);
    const again = await post('/v1/settlements', body, token);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const changed = await post('/v1/settlements', { ...body, timeout_at: new Date(Date.now() + 600_000).toISOString() }, token);
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(Object.keys(changed.body)).toEqual(expect.arrayContaining(ERROR_FIELDS));
  });

  it('treats the same instant written another way as the same request', async () => {
    const token = await tokenFor(['settlements:write']);
    const body = dvpInstruction(manifest);
    const first = await post('/v1/settlements', body, token);
    const again = await post('/v1/settlements', { ...body, timeout_at: body.timeout_at.replace('Z', '+00:00') }, token);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
  });

  it('creates exactly one settlement from concurrent duplicate requests', async () => {
    const token = await tokenFor(['settlements:write']);
    const body = dvpInstruction(manifest);
    const results = await Promise.all(Array.from({ length: 8 }, () => post('/v1/settlements', body, token)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await services().db.settlement.count({ where: { idempotencyKey: body.idempotency_key } })).toBe(1);
    const handle = services().temporal.workflow.getHandle(`settlement-${String(results[0]!.body.id)}`);
    expect((await handle.describe()).status.name).toBeDefined();
  });
});

describe('bad input is refused with the error body and creates nothing', () => {
  const valid = () => dvpInstruction(manifest);
  const cases: [string, () => unknown, number, string?][] = [
    ['missing fields', () => ({ template_id: 'dvp-standard' }), 422, 'idempotency_key'],
    ['a bad wallet address', () => ({ ...valid(), parties: [{ ...valid().parties[0], wallet_address: '0x1234' }, valid().parties[1]] }), 422, 'wallet_address'],
    ['a non-decimal quantity', () => ({ ...valid(), legs: [{ ...valid().legs[0], quantity: '12,5' }, valid().legs[1]] }), 422, 'quantity'],
    ['an exponent with a fraction of a base unit', () => ({ ...valid(), legs: [valid().legs[0], { ...valid().legs[1], quantity: '1E-7' }] }), 422, 'quantity'],
    ['a negative quantity', () => ({ ...valid(), legs: [{ ...valid().legs[0], quantity: '-5' }, valid().legs[1]] }), 422, 'quantity'],
    ['too many decimals', () => ({ ...valid(), legs: [valid().legs[0], { ...valid().legs[1], quantity: '1.0000001' }] }), 422, 'quantity'],
    ['an unknown instrument', () => ({ ...valid(), legs: [valid().legs[0], { ...valid().legs[1], instrument_id: 'NOPE' }] }), 422, 'instrument_id'],
    ['an address that is no token', () => ({ ...valid(), legs: [valid().legs[0], { ...valid().legs[1], instrument_id: manifest.wallets.buyer.address }] }), 422, 'instrument_id'],
    ['timeout_at in the past', () => ({ ...valid(), timeout_at: '2020-01-01T00:00:00Z' }), 422, 'timeout_at'],
    ['an unknown template', () => ({ ...valid(), template_id: 'no-such-template' }), 422, 'template_id'],
    ['an unsupported chain', () => ({ ...valid(), parties: valid().parties.map((p) => ({ ...p, chain_id: 1 })) }), 422, 'chain_id'],
    ['a missing required role', () => ({ ...valid(), parties: valid().parties.map((p) => ({ ...p, role: p.role === 'buyer' ? 'agent' : p.role })) }), 422, 'parties'],
    ['the zero address as a wallet', () => ({ ...valid(), parties: [valid().parties[0], { ...valid().parties[1], wallet_address: `0x${'0'.repeat(40)}` }] }), 422, 'wallet_address'],
    ['a quantity no uint256 holds', () => ({ ...valid(), legs: [valid().legs[0], { ...valid().legs[1], quantity: '1'.padEnd(80, '0') }] }), 422, 'quantity'],
    ['one party delivering both asset and payment', () => ({ ...valid(), legs: valid().legs.map((l) => ({ ...l, party_role: 'seller' })) }), 422, 'legs'],
    ['timeout_at too far ahead', () => ({ ...valid(), timeout_at: new Date(Date.now() + 31 * 86_400_000).toISOString() }), 422, 'timeout_at'],
  ];

  it.each(cases)('%s', async (_name, body, status, field) => {
    const token = await tokenFor(['settlements:write']);
    const before = await services().db.settlement.count();
    const res = await post('/v1/settlements', body(), token);
    expect(res.status).toBe(status);
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(ERROR_FIELDS));
    expect(res.body.endpoint_url).toBe('/v1/settlements');
    const detail = res.body.detail as { loc: (string | number)[]; msg: string; type: string }[];
    expect(Array.isArray(detail)).toBe(true);
    expect(detail.some((d) => d.loc.includes(field!))).toBe(true);
    expect(await services().db.settlement.count()).toBe(before);
  });

  it('reports every bad leg at once', async () => {
    const token = await tokenFor(['settlements:write']);
    const body = { ...valid(), legs: [{ ...valid().legs[0], instrument_id: 'NOPE' }, { ...valid().legs[1], quantity: '0.0000001' }] };
    const res = await post('/v1/settlements', body, token);
    expect(res.status).toBe(422);
    expect((res.body.detail as { loc: unknown[] }[]).map((d) => d.loc)).toEqual([
      ['body', 'legs', 0, 'instrument_id'],
      ['body', 'legs', 1, 'quantity'],
    ]);
  });

  it('a body that is not JSON (415)', async () => {
    const token = await tokenFor(['settlements:write']);
    const res = await fetch(new URL('/v1/settlements', manifest.api_url), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: JSON.stringify(valid()),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('malformed JSON', async () => {
    const token = await tokenFor(['settlements:write']);
    const res = await post('/v1/settlements', '{"idempotency_key": ', token, true);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'malformed_json' });
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(ERROR_FIELDS));
  });
});

describe('authentication and scopes', () => {
  it('refuses a request without a token, with a bad token, or with a forged one', async () => {
    expect((await post('/v1/settlements', dvpInstruction(manifest))).status).toBe(401);
    expect((await post('/v1/settlements', dvpInstruction(manifest), 'not-a-jwt')).status).toBe(401);
    const forged = await new SignJWT({ platform_id: manifest.client.platform_id, environment: 'sandbox', scope: 'settlements:write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('intruder')
      .setAudience(manifest.client.audience)
      .setIssuer('https://auth.lockstep.local/')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const res = await post('/v1/settlements', dvpInstruction(manifest), forged);
    expect(res.status).toBe(401);
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(ERROR_FIELDS));
  });

  it('refuses a token without the scope (403)', async () => {
    const readOnly = await tokenFor(['settlements:read']);
    const res = await post('/v1/settlements', dvpInstruction(manifest), readOnly);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/settlements:write/);
  });

  it('refuses a wrong client secret and a wrong audience', async () => {
    const wrong = await post('/oauth/token', { grant_type: 'client_credentials', client_id: manifest.client.client_id, client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'invalid_client', code: 'invalid_client' });
    const unknown = await post('/oauth/token', { grant_type: 'client_credentials', client_id: 'ls_nobody', client_secret: 'nope' });
    expect(unknown.status).toBe(401);
    const grant = await post('/oauth/token', { grant_type: 'password', client_id: manifest.client.client_id, client_secret: 'x' });
    expect(grant.status).toBe(400);
    expect(grant.body).toMatchObject({ error: 'unsupported_grant_type' });
    const audience = await post('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: manifest.client.client_id,
      client_secret: manifest.client.client_secret,
      audience: 'https://elsewhere.example',
    });
    expect(audience.status).toBe(403);
  });

  it('scopes reads to the caller platform: another platform sees 404 and an empty list', async () => {
    const mine = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const other = await fixtureClient(services().db, { platform: 'other-platform', environment: 'sandbox', name: 'x', scopes: ['settlements:read'] });
    const token = (await post('/oauth/token', { grant_type: 'client_credentials', client_id: other.client_id, client_secret: other.client_secret })).body.access_token as string;
    const res = await fetch(new URL(`/v1/settlements/${mine.id}`, manifest.api_url), { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
    const list = await fetch(new URL('/v1/settlements', manifest.api_url), { headers: { authorization: `Bearer ${token}` } });
    expect(await list.json()).toMatchObject({ items: [], total: 0, limit: 50, offset: 0 });
  });
});

describe('listing and health', () => {
  it('paginates and filters by state', async () => {
    const page = await services().api.request<{ items: SettlementView[]; total: number; limit: number; offset: number }>('GET', '/v1/settlements?limit=2&offset=0');
    expect(page.limit).toBe(2);
    expect(page.items.length).toBeLessThanOrEqual(2);
    expect(page.total).toBeGreaterThanOrEqual(page.items.length);
    const filtered = await services().api.request<{ items: SettlementView[] }>('GET', '/v1/settlements?state=INSTRUCTED&limit=200');
    expect(filtered.items.every((s) => s.state === 'INSTRUCTED')).toBe(true);
    const bad = await fetch(new URL('/v1/settlements?limit=500', manifest.api_url), { headers: { authorization: `Bearer ${await tokenFor(['settlements:read'])}` } });
    expect(bad.status).toBe(422);
  });

  it('filters by several states, template (id or slug), creation time and party reference, alone and together', async () => {
    const api = services().api;
    const reference = `filter-${randomUUID()}`;
    const before = new Date(Date.now() - 1000).toISOString();
    const body = dvpInstruction(manifest);
    body.parties[0]!.external_reference = reference;
    const created = await api.request<SettlementView>('POST', '/v1/settlements', body);
    const after = new Date(Date.now() + 1000).toISOString();
    const ids = async (query: string) => (await api.request<{ items: SettlementView[] }>('GET', `/v1/settlements?limit=200&${query}`)).items.map((s) => s.id);
    const byRef = `party_reference=${reference}`;
    expect(await ids(byRef)).toEqual([created.id]);
    expect(await ids(`${byRef}&template_id=dvp-standard`)).toEqual([created.id]);
    expect(await ids(`${byRef}&template_id=${created.template_id}`)).toEqual([created.id]);
    expect(await ids(`${byRef}&template_id=no-such-template`)).toEqual([]);
    expect(await ids(`${byRef}&created_after=${encodeURIComponent(before)}&created_before=${encodeURIComponent(after)}`)).toEqual([created.id]);
    expect(await ids(`${byRef}&created_after=${encodeURIComponent(after)}`)).toEqual([]);
    expect(await ids(`${byRef}&created_before=${encodeURIComponent(before)}`)).toEqual([]);
    // Both forms of several states: comma-separated and repeated. AWAITING_DEPOSITS holds
    // until its timeout (nobody deposits), so the state cannot move between these reads.
    const { state } = await waitForState(api, created.id, ['AWAITING_DEPOSITS']);
    expect(await ids(`${byRef}&state=FINALIZED,${state}`)).toEqual([created.id]);
    expect(await ids(`${byRef}&state=FINALIZED&state=${state}`)).toEqual([created.id]);
    expect(await ids(`${byRef}&state=FINALIZED,ROLLED_BACK`)).toEqual([]);
    expect(await ids(`party_reference=${reference}-other`)).toEqual([]);
  });

  it('refuses a bad filter with 422 naming it', async () => {
    const token = await tokenFor(['settlements:read']);
    const list = async (query: string) => {
      const res = await fetch(new URL(`/v1/settlements?${query}`, manifest.api_url), { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: JSON.stringify(await res.json()) };
    };
    for (const [query, field] of [
      ['state=awaiting', 'state'],
      ['state=A,,B', 'state'],
      ['created_after=yesterday', 'created_after'],
      ['created_before=0000-01-01T00:00:00Z', 'created_before'],
      [`template_id=${'x'.repeat(129)}`, 'template_id'],
      [`party_reference=${'x'.repeat(257)}`, 'party_reference'],
    ]) {
      const res = await list(query!);
      expect(res.status, query).toBe(422);
      expect(res.body, query).toContain(field);
    }
  });

  it('reports liveness and readiness', async () => {
    expect((await fetch(new URL('/healthz', manifest.api_url))).status).toBe(200);
    const ready = await fetch(new URL('/readyz', manifest.api_url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
  });
});

describe('the API reference', () => {
  it('serves the OpenAPI document and a self-contained reference page', async () => {
    const doc = (await (await fetch(new URL('/openapi.json', manifest.api_url))).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/settlements/{id}/events');
    const page = await fetch(new URL('/docs', manifest.api_url));
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });

  it('refuses every route in the document that needs a token without one', async () => {
    for (const route of ROUTES.filter((r) => r.scope || r.token)) {
      const path = route.path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000099');
      const res = await fetch(new URL(path, manifest.api_url), { method: route.method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: ['post', 'put', 'patch'].includes(route.method) ? '{}' : undefined });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });
});

describe('Keystone-Version', () => {
  it('echoes the version asked for, pins an environment to the current one, and refuses an unknown one naming those served', async () => {
    const token = await tokenFor(['templates:read']);
    const get = (headers: Record<string, string>) => fetch(new URL('/v1/settlement-templates', manifest.api_url), { headers: { authorization: `Bearer ${token}`, ...headers } });
    expect((await get({})).headers.get('keystone-version')).toBe(CURRENT_API_VERSION);
    const asked = await get({ 'keystone-version': CURRENT_API_VERSION });
    expect([asked.status, asked.headers.get('keystone-version')]).toEqual([200, CURRENT_API_VERSION]);
    const unknown = await get({ 'keystone-version': '2019-01-01' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { code: string; detail: string })).toMatchObject({ code: 'unsupported_version', detail: expect.stringContaining(`supported: ${CURRENT_API_VERSION}`) });
    // Unauthenticated answers say their version too.
    expect((await fetch(new URL('/healthz', manifest.api_url))).headers.get('keystone-version')).toBe(CURRENT_API_VERSION);
    // A new environment is pinned to the version current at its creation.
    const admin = await tokenFor(['admin']);
    const made = await fetch(new URL('/v1/platforms/me/environments', manifest.api_url), {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Pinned', slug: `pinned-${Date.now()}` }),
    });
    expect(made.status).toBe(201);
    expect(((await made.json()) as { api_version: string }).api_version).toBe(CURRENT_API_VERSION);
  });
});

describe('numbers past what the database holds', () => {
  it('answers 422, not 500, for a template version or an offset no integer column holds', async () => {
    const token = await tokenFor(['templates:read', 'settlements:read']);
    const get = (path: string) => fetch(new URL(path, manifest.api_url), { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await get('/v1/settlement-templates/0?version=9007199254740990')).toBe(422);
    expect(await get('/v1/settlement-templates/dvp-standard?version=2147483648')).toBe(422);
    expect(await get('/v1/settlements?offset=9007199254740990')).toBe(422);
    expect(await get('/v1/settlement-templates/dvp-standard?version=1')).toBe(200);
  });

  it('answers an empty page, not 500, for environments past the last one', async () => {
    const token = await tokenFor(['admin']);
    const res = await fetch(new URL('/v1/platforms/me/environments?offset=2147483646', manifest.api_url), { headers: { authorization: `Bearer ${token}` } });
    expect([res.status, ((await res.json()) as { items: unknown[] }).items]).toEqual([200, []]);
  });
});

describe('methods a path does not take', () => {
  it('answers 405 with Allow, from the route table, for a served path and 404 for one not served', async () => {
    const token = await tokenFor(['templates:read']);
    const ask = (method: string, path: string) => fetch(new URL(path, manifest.api_url), { method, headers: { authorization: `Bearer ${token}` } });
    const wrong = await ask('DELETE', '/v1/settlement-templates');
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, POST, HEAD']);
    expect(((await wrong.json()) as { code: string }).code).toBe('method_not_allowed');
    const health = await ask('PUT', '/healthz');
    expect([health.status, health.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await ask('PUT', `/v1/settlements/${crypto.randomUUID()}`)).headers.get('allow')).toBe('GET, HEAD');
    expect((await ask('GET', '/v1/no-such-thing')).status).toBe(404);
  });
});
