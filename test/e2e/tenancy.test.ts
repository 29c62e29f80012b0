// Every route with an object in its path, generated from the OpenAPI route table, asked by
// a token of another platform and by one of another environment of the same platform: 404,
// never 403, so nobody learns that the object exists. A route added later is covered
// without touching this file, unless it needs a sample body below. The operator's routes are
// the deployment's, not a tenant's: every tenant token is refused them, whatever they name.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../api/routeTable.ts';
import { TENANT_SCOPES } from '../../access/scopes.ts';
import { fixtureClient } from '../support/clients.ts';
import { LockstepApi } from '../../cli/apiClient.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';
import { CUSTOM } from '../support/templates.ts';

const { manifest } = stackContext();
const services = withServices();

/** Bodies valid enough to reach the object lookup; a route not listed is sent {}. */
const SAMPLE_BODIES: Record<string, unknown> = {
  'POST /v1/settlements/{id}/compliance-decision': { decision: 'approve', reason: 'x' },
  'POST /v1/settlement-templates/{idOrSlug}/versions': { name: 'x', config: CUSTOM },
  'PATCH /v1/platforms/me/webhooks/{id}': { description: 'x' },
  'POST /v1/compliance/suppressions/{id}/revoke': { reason: 'x' },
  'PATCH /v1/platforms/me/clients/{clientId}': { active: false },
};

async function clientOf(platform: string, environment: string): Promise<LockstepApi> {
  const client = await fixtureClient(services().db, { platform, environment, name: 'tenancy', scopes: [...TENANT_SCOPES] });
  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(client.client_id, client.client_secret);
  return api;
}

describe('tenancy', () => {
  it('answers 404 on every route with an object of another platform or environment', async () => {
    const owner = await clientOf('tenancy-owner', 'sandbox');
    const ownerClientId = (await owner.request<{ items: { client_id: string }[] }>('GET', '/v1/platforms/me/clients')).items[0]!.client_id;
    // One object of each kind a path can name, owned by tenancy-owner/sandbox.
    const body = dvpInstruction(manifest, { template_id: 'dvp-review' });
    body.parties[1]!.name = 'Aqxa';
    const settlement = await owner.request<SettlementView>('POST', '/v1/settlements', body);
    for (let i = 0; i < 100 && !(await services().db.settlementEvent.findFirst({ where: { settlementId: settlement.id, triggeredBy: 'compliance:flagged' } })); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const suppression = await owner.request<{ id: string }>('POST', '/v1/compliance/suppressions', {
      settlement_id: settlement.id, party_role: 'seller', list: 'ofac-sdn', entry_id: '18341', reason: 'checked',
    });
    const template = await owner.request<{ id: string; slug: string }>('POST', '/v1/settlement-templates', { slug: `tenancy-${randomUUID().slice(0, 8)}`, name: 'Owned', config: CUSTOM });
    const webhook = await owner.request<{ id: string }>('POST', '/v1/platforms/me/webhooks', { url: 'http://127.0.0.1:9/hooks' });
    const ping = await owner.request<{ delivery_id: string }>('POST', `/v1/platforms/me/webhooks/${webhook.id}/test`);
    const session = await owner.request<{ session_id: string }>('POST', '/v1/sessions', { scopes: ['settlements:read'] });
    const environments = await owner.request<{ items: { id: string; slug: string }[] }>('GET', '/v1/platforms/me/environments');
    const ownerEnvironmentId = environments.items.find((e) => e.slug === 'sandbox')!.id;
    const { parties, legs, timeout_at } = dvpInstruction(manifest);
    const instruction = await owner.request<{ id: string }>('POST', '/v1/instructions', {
      idempotency_key: `tenancy-${randomUUID()}`, template_slug: 'dvp-standard', role: 'seller', timeout_at,
      party: (({ role: _, ...p }) => p)(parties.find((p) => p.role === 'seller')!),
      legs: legs.map(({ party_role, ...l }) => ({ ...l, direction: party_role === 'seller' ? l.direction : 'receive' })),
    });
    await waitForState(owner, settlement.id, ['COMPLIANCE_CHECKING']);

    const idFor = (path: string, param: string): string => {
      if (param === 'idOrSlug') return template.slug;
      if (param === 'deliveryId') return ping.delivery_id;
      if (param === 'clientId') return ownerClientId;
      if (path.startsWith('/v1/compliance/suppressions/')) return suppression.id;
      if (path.startsWith('/v1/platforms/me/webhooks/')) return webhook.id;
      if (path.startsWith('/v1/sessions/')) return session.session_id;
      if (path.startsWith('/v1/platforms/me/environments/')) return ownerEnvironmentId;
      if (path.startsWith('/v1/instructions/')) return instruction.id;
      if (path.startsWith('/v1/settlements/') || path.startsWith('/v1/admin/settlements/')) return settlement.id;
      throw new Error(`tenancy test: no object for {${param}} in ${path}; add one`);
    };
    const routes = ROUTES.filter((r) => r.path.includes('{') && r.scope !== 'operator');
    expect(routes.length).toBeGreaterThanOrEqual(15);

    const otherPlatform = await clientOf('tenancy-intruder', 'sandbox');
    for (const intruder of [otherPlatform, await clientOf('tenancy-owner', 'production')]) {
      // A platform-wide object (an environment) is its platform's: only another platform must not see it.
      for (const route of routes.filter((r) => intruder === otherPlatform || !r.platformWide)) {
        const path = route.path.replace(/\{(\w+)\}/g, (_, param: string) => idFor(route.path, param));
        const key = `${route.method.toUpperCase()} ${route.path}`;
        const sent = route.method === 'get' || route.method === 'delete' ? undefined : (SAMPLE_BODIES[key] ?? {});
        const answer = await intruder.request(route.method.toUpperCase(), path, sent).then(
          () => 200,
          (err: { status: number }) => err.status,
        );
        expect(answer, key).toBe(404);
      }
    }
    // A tenant holding every tenant scope is refused each operator route, for an existing
    // object and a made-up one alike.
    const operatorRoutes = ROUTES.filter((r) => r.scope === 'operator');
    expect(operatorRoutes.length).toBeGreaterThanOrEqual(5);
    for (const names of [{ platform: 'tenancy-owner', environment: 'sandbox', clientId: ownerClientId }, { platform: 'no-such-platform', environment: 'nope', clientId: 'nope' }]) {
      for (const route of operatorRoutes) {
        const path = route.path.replace(/\{(\w+)\}/g, (_, param: 'platform' | 'environment' | 'clientId') => names[param]);
        const answer = await owner.request(route.method.toUpperCase(), path, route.method === 'get' ? undefined : {}).then(() => 200, (err: { status: number }) => err.status);
        expect(answer, `${route.method.toUpperCase()} ${path}`).toBe(403);
      }
    }
    // Another platform may take the same template slug: it learns nothing of the owner's.
    const intruder = await clientOf('tenancy-intruder', 'sandbox');
    const theirs = await intruder.request<{ id: string; slug: string }>('POST', '/v1/settlement-templates', { slug: template.slug, name: 'Theirs', config: CUSTOM });
    expect(theirs.id).not.toBe(template.id);
    expect((await owner.request<{ id: string }>('GET', `/v1/settlement-templates/${template.slug}`)).id).toBe(template.id);
    expect((await intruder.request<{ id: string }>('GET', `/v1/settlement-templates/${template.slug}`)).id).toBe(theirs.id);
    // The owner still has everything.
    expect((await owner.request<SettlementView>('GET', `/v1/settlements/${settlement.id}`)).id).toBe(settlement.id);
    expect((await owner.request<{ id: string }>('GET', `/v1/platforms/me/webhooks/${webhook.id}`)).id).toBe(webhook.id);
  });
});
