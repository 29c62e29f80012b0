// Row-level security, tested directly against the database: as the tenant role, a query
// with no tenant filter returns only the named tenant's rows, and nothing when no tenant is
// named; the API's per-request view (tenantDb) is held to the same; and no table is open to
// the tenant role without a policy; the one-round-trip settlement reads (db/settlementReads.ts)
// answer exactly as Prisma does under every scope.

import { describe, expect, it } from 'vitest';
import { LockstepApi } from '../../cli/apiClient.ts';
import { fixtureClient } from '../support/clients.ts';
import { readSettlements, settlementInclude, type SettlementQuery } from '../../db/settlementReads.ts';
import { tenantConnection, tenantDb, withTenant } from '../../db/tenant.ts';
import { settlementWhere, type SettlementScope } from '../../db/settlementScope.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();

async function tenant(platform: string) {
  const client = await fixtureClient(services().db, { platform, environment: 'sandbox', name: 'rls', scopes: ['settlements:read', 'settlements:write', 'platform:webhooks:manage'] });
  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(client.client_id, client.client_secret);
  const created = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
  // Waiting for deposits it stays put: the reads compared below see one row, not a moving one.
  await waitForState(api, created.id, ['AWAITING_DEPOSITS']);
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
      clients: await tx.apiClient.findMany(),
      tokens: await tx.accessToken.findMany(),
      platforms: await tx.platform.findMany(),
      environments: await tx.environment.findMany(),
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
    expect(seen.clients.length).toBe(1);
    expect(seen.clients[0]).toMatchObject({ platformId: a.platformId, environment: 'sandbox' });
    expect(seen.tokens.length).toBeGreaterThan(0);
    expect(seen.tokens.every((t) => t.clientId === seen.clients[0]!.clientId)).toBe(true);
    expect(seen.platforms.map((p) => p.id)).toEqual([a.platformId]);
    expect(seen.environments.map((e) => [e.platformId, e.name])).toEqual([[a.platformId, 'sandbox']]);

    // The API's view of a tenant: every operation as the tenant, filter or none.
    const view = tenantDb(db, a);
    expect((await view.settlement.findMany()).map((s) => s.platformId)).toEqual([a.platformId]);
    expect(await view.webhookEndpoint.count()).toBe(1);
    expect(await view.signingKey.count().catch((e: Error) => e.message)).toMatch(/permission denied/);
    // Only what the tenant routes do: restrictions yes; a client's scopes, the trail, the
    // activity log, a platform and the built-in templates never.
    await expect(view.apiClient.updateMany({ data: { allowedWallets: [] } })).resolves.toEqual({ count: 1 });
    const refused = (p: Promise<unknown>) => p.then(() => 'allowed', (e: Error) => (/permission denied/.test(e.message) ? 'refused' : e.message));
    expect({
      scopes: await refused(view.apiClient.updateMany({ data: { scopes: ['operator'] } })),
      trail: await refused(view.settlementEvent.deleteMany()),
      activity: await refused(view.activityLog.deleteMany()),
      platform: await refused(view.platform.updateMany({ data: { name: 'renamed' } })),
      templates: await refused(view.settlementTemplate.deleteMany({ where: { slug: 'dvp-standard' } })),
      settlementState: await refused(view.settlement.updateMany({ data: { state: 'FINALIZED' } })),
    }).toEqual({ scopes: 'refused', trail: 'refused', activity: 'refused', platform: 'refused', templates: 'refused', settlementState: 'refused' });

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

  it("reads settlements in one round trip exactly as Prisma does, under the same wall and the same scopes", async () => {
    const { db } = services();
    const a = await tenant('rls-reads-a');
    await tenant('rls-reads-b');
    const view = tenantDb(db, a);
    const [mine] = await view.settlement.findMany({ include: settlementInclude });
    const wallet = mine!.parties[0]!.walletAddress;
    const scopes: SettlementScope[] = [
      a,
      { ...a, acting: true },
      { ...a, wallets: [wallet.toUpperCase().replace('0X', '0x')] },
      { ...a, wallets: ['0x000000000000000000000000000000000000dead'] },
      { ...a, settlementIds: [mine!.id] },
      { ...a, settlementIds: [] },
      { ...a, environment: 'production' },
      // No such tenant: the wall alone decides.
      { platformId: '00000000-0000-4000-8000-000000000001', environment: 'sandbox' },
    ];
    for (const scope of scopes) {
      const prisma = await tenantDb(db, scope).settlement.findMany({ where: settlementWhere(scope), include: settlementInclude, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
      const raw = await readSettlements(db, scope, { limit: 50, offset: 0, total: true });
      expect(raw.rows, JSON.stringify(scope)).toEqual(prisma);
      expect(raw.total).toBe(prisma.length);
      expect((await readSettlements(db, scope, { id: mine!.id.toUpperCase(), limit: 1, offset: 0 })).rows).toEqual(prisma.filter((s) => s.id === mine!.id));
    }
    // Each list filter, alone and together, finds the settlement by what it is and nothing by what it is not.
    const template = await view.settlementTemplate.findFirstOrThrow({ where: { id: mine!.templateId } });
    const created = mine!.createdAt.getTime();
    const at = (ms: number) => new Date(created + ms).toISOString();
    const reference = mine!.parties[0]!.externalReference;
    const filters: [Omit<SettlementQuery, 'limit' | 'offset'>, boolean][] = [
      [{ states: ['NO_SUCH_STATE'] }, false],
      [{ states: ['NO_SUCH_STATE', mine!.state] }, true],
      [{ template: template.id.toUpperCase() }, true],
      [{ template: template.slug }, true],
      [{ template: 'no-such-template' }, false],
      [{ createdAfter: at(0), createdBefore: at(1) }, true],
      [{ createdAfter: at(1) }, false],
      [{ createdBefore: at(0) }, false],
      // The offset counts: half an hour after creation on the clock of UTC+01:00 is half an hour before it in UTC.
      [{ createdAfter: at(30 * 60_000).replace('Z', '+01:00') }, true],
      [{ partyReference: reference }, true],
      [{ partyReference: reference.toUpperCase() + '-other' }, false],
      [{ states: [mine!.state], template: template.slug, createdAfter: at(-1000), partyReference: reference }, true],
    ];
    for (const [filter, found] of filters) {
      const read = await readSettlements(db, a, { ...filter, limit: 50, offset: 0, total: true });
      expect(read.rows, JSON.stringify(filter)).toEqual(found ? [mine] : []);
      expect(read.total).toBe(found ? 1 : 0);
    }
    // Values are parameters, never SQL.
    expect((await readSettlements(db, { ...a, environment: "sandbox' OR true --" }, { limit: 50, offset: 0 })).rows).toEqual([]);
    // A failing read takes its connection out of the pool; the next reads go on.
    await expect(readSettlements(db, a, { limit: -1, offset: 0 })).rejects.toThrow(/LIMIT/);
    expect((await readSettlements(db, a, { limit: 50, offset: 0 })).rows.length).toBe(1);
    // The reads' connections are the tenant role for good: as another tenant, a's settlement is not there even unfiltered.
    const reader = await tenantConnection(db);
    try {
      await reader.query(`SELECT set_config('app.platform_id', '00000000-0000-4000-8000-000000000001', false), set_config('app.environment', 'sandbox', false)`);
      expect((await reader.query('SELECT current_user AS role, count(*)::int AS n FROM settlements')).rows[0]).toEqual({ role: 'lockstep_tenant', n: 0 });
    } finally {
      // Named a tenant behind asTenant's back: not for the pool again.
      reader.release(true);
    }
  });

  it('leaves no table open to the tenant role without row-level security', async () => {
    const tables = await services().db.$queryRaw<{ name: string; rls: boolean; reads: boolean; writes: boolean }[]>`
      SELECT c.relname AS name, c.relrowsecurity AS rls,
             has_table_privilege('lockstep_tenant', c.oid, 'SELECT') AS reads,
             has_table_privilege('lockstep_tenant', c.oid, 'INSERT') OR has_table_privilege('lockstep_tenant', c.oid, 'UPDATE')
               OR has_table_privilege('lockstep_tenant', c.oid, 'DELETE') AS writes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`;
    expect(tables.length).toBeGreaterThan(20);
    // Shared reference data, the same for every tenant: readable, never writable.
    const shared = new Set(['instruments']);
    const open = tables.filter((t) => !t.rls && (shared.has(t.name) ? t.writes : t.reads || t.writes)).map((t) => t.name);
    expect(open, 'tables the tenant role can use without a policy: add one (see the tenant_wall migration) or revoke').toEqual([]);
    expect(tables.filter((t) => t.rls).map((t) => t.name)).toEqual(expect.arrayContaining(['settlements', 'api_clients', 'access_tokens', 'webhook_endpoints']));
  });
});
