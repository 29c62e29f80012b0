import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { templateSchema } from '../../api/responses.ts';
import { fixtureClient } from '../support/clients.ts';
import type { TemplateConfig } from '../../domain/template.ts';
import { stackContext, withServices } from '../support/services.ts';
import { balanceOf, depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';
import { CUSTOM } from '../support/templates.ts';

const { manifest } = stackContext();
const { DEMO, USDC } = manifest.chain.tokens as Record<string, { address: `0x${string}` }>;
const { buyer, seller } = manifest.wallets;
const services = withServices();

interface TemplateView {
  id: string;
  slug: string;
  version: number;
  built_in: boolean;
  config: TemplateConfig;
}

const api = () => services().api;
const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: ApiRequestError) => e);

async function settleEndToEnd(body: ReturnType<typeof dvpInstruction>, finalState = 'FINALIZED') {
  const created = await api().request<SettlementView>('POST', '/v1/settlements', body);
  const awaiting = await waitForState(api(), created.id, ['AWAITING_DEPOSITS', 'FUNDING']);
  for (const role of ['seller', 'buyer'] as const) {
    if (awaiting.legs.some((l) => l.from_role === role)) await depositAs(manifest, awaiting, role);
  }
  const done = await waitForState(api(), created.id, [finalState, 'ROLLED_BACK', 'CANCELLED']);
  expect(done.state).toBe(finalState);
  return done;
}

describe('settlement templates', () => {
  it('lists the built-ins and reads one by slug or id', async () => {
    const list = await api().request<{ items: TemplateView[]; total: number }>('GET', '/v1/settlement-templates');
    expect(list.items.filter((t) => t.built_in).map((t) => t.slug).sort()).toEqual(['dvp-review', 'dvp-standard', 'fop-standard', 'pvp-standard']);
    const bySlug = await api().request<TemplateView>('GET', '/v1/settlement-templates/pvp-standard');
    expect(await api().request<TemplateView>('GET', `/v1/settlement-templates/${bySlug.id}`)).toEqual(bySlug);
    expect((await refusal(api().request('GET', '/v1/settlement-templates/no-such')))?.status).toBe(404);
  });

  it('refuses an invalid template with every reason, and a change to a built-in', async () => {
    const broken = { ...structuredClone(CUSTOM), states: [...CUSTOM.states, 'LIMBO'], actions: { ...CUSTOM.actions, SCREENING: { type: 'noop' as const } } };
    const error = await refusal(api().request('POST', '/v1/settlement-templates', { slug: `bad-${randomUUID().slice(0, 8)}`, name: 'Bad', config: broken }));
    expect(error?.status).toBe(422);
    const reasons = (error!.body.detail as { msg: string }[]).map((d) => d.msg).join('\n');
    expect(reasons).toMatch(/LIMBO cannot be reached/);
    const builtIn = await refusal(api().request('POST', '/v1/settlement-templates/dvp-standard/versions', { config: CUSTOM }));
    expect(builtIn?.status).toBe(403);
  });

  it('runs a template created through the API end to end, in its own states and order', async () => {
    const slug = `custom-${randomUUID().slice(0, 8)}`;
    const created = await api().request<TemplateView>('POST', '/v1/settlement-templates', { slug, name: 'Screen after funding', config: CUSTOM });
    expect(created).toMatchObject({ slug, version: 1, built_in: false });
    templateSchema.parse(created);
    const done = await settleEndToEnd(dvpInstruction(manifest, { template_id: slug }), 'DONE');
    const trail = await services().db.settlementEvent.findMany({ where: { settlementId: done.id }, orderBy: { sequence: 'asc' } });
    expect(trail.map((e) => e.toState)).toEqual(['NEW', 'ESCROW_OPEN', 'FUNDING', 'SCREENING', 'SWAPPING', 'DONE']);
  });

  it('keeps an in-flight settlement on the version it started with', async () => {
    const slug = `versioned-${randomUUID().slice(0, 8)}`;
    await api().request('POST', '/v1/settlement-templates', { slug, name: 'v1', config: CUSTOM });
    const first = await api().request<SettlementView & { template_version: number }>('POST', '/v1/settlements', dvpInstruction(manifest, { template_id: slug }));
    const awaiting = await waitForState(api(), first.id, ['FUNDING']);

    const renamed = JSON.parse(JSON.stringify(CUSTOM).replaceAll('SWAPPING', 'EXCHANGING')) as TemplateConfig;
    const v2 = await api().request<TemplateView>('POST', `/v1/settlement-templates/${slug}/versions`, { config: renamed });
    expect(v2.version).toBe(2);
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    await waitForState(api(), first.id, ['DONE']);
    const trail = await services().db.settlementEvent.findMany({ where: { settlementId: first.id }, orderBy: { sequence: 'asc' } });
    expect(trail.map((e) => e.toState)).toContain('SWAPPING');
    expect(first.template_version).toBe(1);

    const second = await api().request<{ template_version: number }>('POST', '/v1/settlements', dvpInstruction(manifest, { template_id: slug }));
    expect(second.template_version).toBe(2);
  });

  it('creates from a version another process published within a second', async () => {
    const slug = `elsewhere-${randomUUID().slice(0, 8)}`;
    const v1 = await api().request<TemplateView>('POST', '/v1/settlement-templates', { slug, name: 'v1', config: CUSTOM });
    const create = () => api().request<{ template_version: number }>('POST', '/v1/settlements', dvpInstruction(manifest, { template_id: slug }));
    expect((await create()).template_version).toBe(1);
    // Published in the database, as another API process (or a person at psql) would: this process learns of it only by notification.
    const row = await services().db.settlementTemplate.findFirstOrThrow({ where: { id: v1.id, version: 1 } });
    await services().db.settlementTemplate.create({ data: { ...row, version: 2, name: 'v2', config: row.config as object, createdAt: new Date() } });
    await expect.poll(async () => (await create()).template_version, { timeout: 1000, interval: 50 }).toBe(2);
  });

  it('pvp-standard swaps two payment legs in different tokens', async () => {
    const before = { buyerCash: await balanceOf(manifest, USDC!.address, buyer.address), sellerDemo: await balanceOf(manifest, DEMO!.address, seller.address) };
    const body = dvpInstruction(manifest, { template_id: 'pvp-standard' });
    body.legs[0]!.leg_type = 'payment';
    await settleEndToEnd(body);
    expect(await balanceOf(manifest, USDC!.address, buyer.address)).toBe(before.buyerCash - 50_000_250_000n);
    expect(await balanceOf(manifest, DEMO!.address, seller.address)).toBe(before.sellerDemo - 100n * 10n ** 18n);
  });

  it('fop-standard escrows and delivers only the asset', async () => {
    const before = { buyerCash: await balanceOf(manifest, USDC!.address, buyer.address), buyerDemo: await balanceOf(manifest, DEMO!.address, buyer.address) };
    const body = dvpInstruction(manifest, { template_id: 'fop-standard' });
    body.legs = [body.legs[0]!];
    await settleEndToEnd(body);
    expect(await balanceOf(manifest, DEMO!.address, buyer.address)).toBe(before.buyerDemo + 100n * 10n ** 18n);
    expect(await balanceOf(manifest, USDC!.address, buyer.address)).toBe(before.buyerCash);
  });

  it('needs templates:write to create and templates:read to list', async () => {
    const client = await fixtureClient(services().db, { platform: 'demo-platform', environment: 'sandbox', name: 'reader', scopes: ['settlements:read'] });
    const reader = new LockstepApi(manifest.api_url);
    await reader.authenticate(client.client_id, client.client_secret);
    expect((await refusal(reader.request('GET', '/v1/settlement-templates')))?.status).toBe(403);
    expect((await refusal(reader.request('POST', '/v1/settlement-templates', { slug: 'x-y', name: 'x', config: CUSTOM })))?.status).toBe(403);
  });

  it("hides one platform's templates from another", async () => {
    const slug = `private-${randomUUID().slice(0, 8)}`;
    await api().request('POST', '/v1/settlement-templates', { slug, name: 'Mine', config: CUSTOM });
    const client = await fixtureClient(services().db, { platform: 'template-outsider', environment: 'sandbox', name: 'x', scopes: ['templates:read', 'settlements:write'] });
    const outsider = new LockstepApi(manifest.api_url);
    await outsider.authenticate(client.client_id, client.client_secret);
    expect((await refusal(outsider.request('GET', `/v1/settlement-templates/${slug}`)))?.status).toBe(404);
    expect((await refusal(outsider.request('POST', '/v1/settlements', dvpInstruction(manifest, { template_id: slug }))))?.status).toBe(422);
  });
});
