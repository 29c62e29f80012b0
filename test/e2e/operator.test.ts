// The deployment's operator over the API: platforms and environments made without a CLI, a
// new environment's first client, any client deactivated, signing keys rotated. A platform's
// own admin can do none of it, nor grant itself the scope.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { activitySchema, environmentSchema, operatorCreatedClientSchema, pageOf, platformSchema, signingKeysSchema } from '../../api/responses.ts';
import { type ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { createApiClient } from '../../db/clients.ts';
import { TenantNotFound } from '../../db/platforms.ts';
import { fixtureClient } from '../support/clients.ts';
import { stackContext, withServices } from '../support/services.ts';

const { manifest } = stackContext();
const services = withServices();
const activityPageSchema = pageOf(activitySchema);
const status = (p: Promise<unknown>) => p.then(() => 200, (e: ApiRequestError) => e.status);

async function clientOf(platform: string, scopes: string[]): Promise<LockstepApi> {
  const client = await fixtureClient(services().db, { platform, environment: 'sandbox', name: 'operator-test', scopes });
  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(client.client_id, client.client_secret);
  return api;
}

describe('operator', () => {
  it('creates platforms, environments and their first clients, and refuses what does not exist', async () => {
    const operator = await clientOf('operator-home', ['operator']);
    const name = `op-${randomUUID().slice(0, 8)}`;

    const platform = platformSchema.parse(await operator.request('POST', '/v1/operator/platforms', { name }));
    expect(platform.environments.map((e) => e.name)).toEqual(['sandbox', 'production']);
    expect(await status(operator.request('POST', '/v1/operator/platforms', { name }))).toBe(409);
    expect(await status(operator.request('POST', '/v1/operator/platforms', { name: 'has space' }))).toBe(422);

    const staging = environmentSchema.parse(await operator.request('POST', `/v1/operator/platforms/${name}/environments`, { name: 'staging', rate_limit_per_minute: 5 }));
    expect(staging.rate_limit_per_minute).toBe(5);
    expect(await status(operator.request('POST', `/v1/operator/platforms/${name}/environments`, { name: 'staging' }))).toBe(409);
    expect(await status(operator.request('POST', '/v1/operator/platforms/no-such-platform/environments', { name: 'staging' }))).toBe(404);
    // By id as well as by name.
    expect(platformSchema.parse(await operator.request('GET', `/v1/operator/platforms/${platform.id}`)).environments.map((e) => e.name)).toEqual(['sandbox', 'production', 'staging']);
    const listed = await operator.request<{ items: { name: string }[]; total: number }>('GET', '/v1/operator/platforms?limit=200');
    expect(listed.total).toBeGreaterThanOrEqual(2);

    // The new environment's first client, and its own admin from then on.
    const first = operatorCreatedClientSchema.parse(
      await operator.request('POST', `/v1/operator/platforms/${name}/environments/staging/clients`, { name: 'first-admin', scopes: ['admin', 'settlements:read'] }),
    );
    expect(first).toMatchObject({ platform_id: platform.id, environment: 'staging' });
    const admin = new LockstepApi(manifest.api_url);
    const adminToken = await admin.authenticate(first.client_id, first.client_secret);
    const res = await fetch(new URL('/v1/platforms/me/clients', manifest.api_url), { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.headers.get('x-ratelimit-limit')).toBe('5');
    expect(((await res.json()) as { items: { client_id: string }[] }).items.map((c) => c.client_id)).toEqual([first.client_id]);
    environmentSchema.parse(await operator.request('PATCH', `/v1/operator/platforms/${name}/environments/staging`, { rate_limit_per_minute: null }));

    // No client for an environment nobody made, over the API or in the database layer the CLI uses.
    expect(await status(operator.request('POST', `/v1/operator/platforms/${name}/environments/typo/clients`, { name: 'x', scopes: ['admin'] }))).toBe(404);
    await expect(createApiClient(services().db, { platform: 'never-made', environment: 'sandbox', name: 'x', scopes: ['admin'] })).rejects.toThrow(TenantNotFound);
    expect(await services().db.platform.findUnique({ where: { name: 'never-made' } })).toBeNull();

    // Incident response: any platform's client, at once.
    expect(await status(admin.request('GET', '/v1/platforms/me/clients'))).toBe(200);
    await operator.request('POST', `/v1/operator/clients/${first.client_id}/deactivate`);
    expect(await status(admin.request('GET', '/v1/platforms/me/clients'))).toBe(401);
    expect(await status(operator.request('POST', '/v1/operator/clients/no-such-client/deactivate'))).toBe(404);

    // The platform sees in its own activity log what the operator did to it, marked as such.
    const auditor = await fixtureClient(services().db, { platform: name, environment: 'staging', name: 'auditor', scopes: ['admin'] });
    const audit = new LockstepApi(manifest.api_url);
    await audit.authenticate(auditor.client_id, auditor.client_secret);
    const byOperator = async () =>
      activityPageSchema.parse(await audit.request('GET', '/v1/admin/activity?limit=50')).items.filter((a) => a.by_operator).map((a) => `${a.method} ${a.path} ${a.status}`);
    let seen = await byOperator();
    for (let i = 0; i < 50 && seen.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await byOperator();
    }
    expect(seen.sort()).toEqual([
      `PATCH /v1/operator/platforms/${name}/environments/staging 200`,
      `POST /v1/operator/clients/${first.client_id}/deactivate 200`,
      `POST /v1/operator/platforms/${name}/environments 201`,
      `POST /v1/operator/platforms/${name}/environments/staging/clients 201`,
    ]);
  });

  it('rotates signing keys: the new key signs, tokens of the old one keep working', async () => {
    const operator = await clientOf('operator-home', ['operator', 'settlements:read']);
    const before = signingKeysSchema.parse(await operator.request('GET', '/v1/operator/signing-keys')).items;
    const { kid } = await operator.request<{ kid: string }>('POST', '/v1/operator/signing-keys/rotate');
    const after = signingKeysSchema.parse(await operator.request('GET', '/v1/operator/signing-keys')).items;
    expect(after[0]).toMatchObject({ kid, retired_at: null });
    expect(after.find((k) => k.kid === before[0]!.kid)?.retired_at).not.toBeNull();
    expect(await status(operator.request('GET', '/v1/settlements'))).toBe(200);
  });

  it("is not a platform admin's to use, to grant or to take over", async () => {
    const admin = await clientOf('operator-outsider', ['admin', 'settlements:read']);
    expect(await status(admin.request('GET', '/v1/operator/platforms'))).toBe(403);
    expect(await status(admin.request('POST', '/v1/operator/platforms', { name: `x-${randomUUID().slice(0, 8)}` }))).toBe(403);
    expect(await status(admin.request('POST', '/v1/platforms/me/clients', { name: 'escalate', scopes: ['operator'] }))).toBe(422);

    // An operator's client in the admin's own environment (as the dev stack's bootstrap client
    // is): the admin sees it listed but can neither rotate its secret, lift its restrictions,
    // nor switch it off.
    const held = await fixtureClient(services().db, { platform: 'operator-outsider', environment: 'sandbox', name: 'ops', scopes: ['operator'], restrictions: { ipRanges: ['10.9.9.9/32'] } });
    const listed = await admin.request<{ items: { client_id: string }[] }>('GET', '/v1/platforms/me/clients');
    expect(listed.items.map((c) => c.client_id)).toContain(held.client_id);
    for (const [method, path, body] of [
      ['POST', `/v1/platforms/me/clients/${held.client_id}/rotate-secret`, {}],
      ['PATCH', `/v1/platforms/me/clients/${held.client_id}`, { ip_ranges: [] }],
      ['PATCH', `/v1/platforms/me/clients/${held.client_id}`, { active: false }],
    ] as const) {
      expect(await status(admin.request(method, path, body)), `${method} ${JSON.stringify(body)}`).toBe(403);
    }
    const after = await services().db.apiClient.findUniqueOrThrow({ where: { clientId: held.client_id } });
    expect(after).toMatchObject({ active: true, allowedIpRanges: ['10.9.9.9/32'] });
    expect(await status(new LockstepApi(manifest.api_url).authenticate(held.client_id, held.client_secret))).toBe(403); // still IP-restricted
  });
});
