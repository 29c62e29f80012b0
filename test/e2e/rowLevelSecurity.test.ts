// Row-level security, tested directly against the database: as the tenant role, a query
// with no tenant filter returns only the named tenant's rows, and nothing when no tenant is named.

import { describe, expect, it } from 'vitest';
import { LockstepApi } from '../../cli/apiClient';
import { fixtureClient } from '../support/clients';
import { withTenant } from '../../db/tenant';
import { stackContext, withServices } from '../support/services';
import { dvpInstruction, type SettlementView } from '../support/settlements';

const { manifest } = stackContext();
const services = withServices();

async function tenant(platform: string) {
  const client = await fixtureClient(services().db, { platform, environment: 'sandbox', name: 'rls', scopes: ['settlements:read', 'settlements:write', 'platform:webhooks:manage'] });
  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(client.client_id, client.client_secret);
  await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
  await api.request('POST', '/v1/platforms/me/webhooks', { url: 'http://127.0.0.1:9/hooks' });
  return { platformId: client.platform_id, environment: 'sandbox' };
}

describe('row-level security', () => {
  it("returns only the named tenant's rows to an unfiltered query, and none without a tenant", async () => {
    const { db } = services();
    const a = await tenant('rls-a');
    await tenant('rls-b');
    expect(await db.settlement.count({ where: { platform: { name: { in: ['rls-a', 'rls-b'] } } } })).toBe(2);

    const seen = await withTenant(db, a, async (tx) => ({
      settlements: await tx.settlement.findMany(),
      parties: await tx.party.findMany(),
      events: await tx.settlementEvent.findMany(),
      endpoints: await tx.webhookEndpoint.findMany(),
      templates: await tx.settlementTemplate.findMany(),
      raw: await tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM settlements`,
    }));
    expect(seen.settlements.length).toBe(1);
    expect(seen.settlements.every((s) => s.platformId === a.platformId && s.environment === 'sandbox')).toBe(true);
    expect(new Set(seen.parties.map((p) => p.settlementId))).toEqual(new Set([seen.settlements[0]!.id]));
    expect(seen.events.every((e) => e.settlementId === seen.settlements[0]!.id)).toBe(true);
    expect(seen.endpoints.map((e) => e.platformId)).toEqual([a.platformId]);
    // Built-in templates are everyone's.
    expect(seen.templates.some((t) => t.slug === 'dvp-standard')).toBe(true);
    expect(Number(seen.raw[0]!.n)).toBe(1);

    // The same environment name of another platform, and another environment, see nothing of a's.
    expect(await withTenant(db, { ...a, environment: 'production' }, (tx) => tx.settlement.count())).toBe(0);

    // No tenant named: nothing at all.
    const none = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL ROLE lockstep_tenant');
      return { settlements: await tx.settlement.count(), parties: await tx.party.count(), endpoints: await tx.webhookEndpoint.count(), activity: await tx.activityLog.count() };
    });
    expect(none).toEqual({ settlements: 0, parties: 0, endpoints: 0, activity: 0 });

    // Nor can a tenant write another's row.
    await expect(
      withTenant(db, a, (tx) => tx.screeningPolicy.create({ data: { platformId: '00000000-0000-4000-8000-000000000001', environment: 'sandbox', reviewThreshold: 0.5, failThreshold: 0.6, updatedBy: 'x' } })),
    ).rejects.toThrow(/row-level security/);
  });
});
