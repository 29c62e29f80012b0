import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { operationSchema } from '../../api/responses.ts';
import { fixtureClient } from '../support/clients.ts';
import { ROOT } from '../../config/paths.ts';
import { stackContext, withServices } from '../support/services.ts';
import { balanceOf, depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const { DEMO } = manifest.chain.tokens as Record<string, { address: `0x${string}` }>;
const services = withServices();
const api = () => services().api;
const admin = (path: string, body: unknown = {}, as = api()) =>
  as.request<{ outcome: string; settlement: SettlementView }>('POST', `/v1/admin/settlements/${path}`, body).catch((e: ApiRequestError) => e);

const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'admin', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: manifest.database_url,
      TEMPORAL_ADDRESS: manifest.temporal.address,
      TEMPORAL_TASK_QUEUE: services().taskQueue,
    },
  }).then(({ stdout }) => JSON.parse(stdout) as Record<string, unknown>);

/** A settlement awaiting deposits, with the seller's leg already in escrow. */
async function halfDeposited() {
  const sellerAsset = await balanceOf(manifest, DEMO!.address, manifest.wallets.seller.address);
  const s = await api().request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
  const awaiting = await waitForState(api(), s.id, ['AWAITING_DEPOSITS']);
  await depositAs(manifest, awaiting, 'seller');
  return { id: s.id, sellerAsset };
}

describe('operator tools', () => {
  it('cancels a settlement before its swap, refunding the deposit', async () => {
    const { id, sellerAsset } = await halfDeposited();
    const res = await admin(`${id}/cancel`, { reason: 'counterparty withdrew' });
    expect(res).toMatchObject({ outcome: 'cancelling' });
    operationSchema.parse(res);
    const done = await waitForState(api(), id, ['ROLLED_BACK']);
    expect(done.failure_reason).toBe(`cancelled by ${manifest.client.client_id}: counterparty withdrew`);
    expect(await balanceOf(manifest, DEMO!.address, manifest.wallets.seller.address)).toBe(sellerAsset);
    // Force rollback of a rolled-back settlement is a no-op.
    expect(await admin(`${id}/force-rollback`)).toMatchObject({ outcome: 'already_rolled_back' });
  });

  it('refuses to cancel or roll back a finalized settlement', async () => {
    const s = await api().request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(api(), s.id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    await waitForState(api(), s.id, ['FINALIZED']);
    expect(await admin(`${s.id}/cancel`)).toMatchObject({ status: 409, body: { code: 'operation_refused' } });
    expect(await admin(`${s.id}/force-rollback`)).toMatchObject({ status: 409, body: { detail: 'A settlement in FINALIZED can no longer be rolled back' } });
  });

  it('lists a settlement whose workflow died as stuck, and force-rolls it back with refunds, continuing its trail', async () => {
    const { id, sellerAsset } = await halfDeposited();
    await services().temporal.workflow.getHandle(`settlement-${id}`).terminate('simulated crash of the workflow');
    await services().db.$executeRaw`UPDATE settlements SET updated_at = now() - interval '2 hours' WHERE id = ${id}::uuid`;

    const stuck = await api().request<{ items: { id: string; reason: string }[] }>('GET', '/v1/admin/settlements/stuck?idle_minutes=60&limit=200');
    expect(stuck.items).toContainEqual(expect.objectContaining({ id, reason: 'no transition for 120 minutes' }));
    expect(((await cli(['stuck'])).items as { id: string }[]).map((s) => s.id)).toContain(id);

    expect(await cli(['force-rollback', id, '--reason', 'workflow lost'])).toMatchObject({ outcome: 'rolling_back' });
    const done = await waitForState(api(), id, ['ROLLED_BACK']);
    expect(done.failure_reason).toBe('force rollback by cli-operator: workflow lost');
    expect(await balanceOf(manifest, DEMO!.address, manifest.wallets.seller.address)).toBe(sellerAsset);
    const last = await services().db.settlementEvent.findFirstOrThrow({ where: { settlementId: id }, orderBy: { sequence: 'desc' } });
    expect(last).toMatchObject({ sequence: 6, fromState: 'AWAITING_DEPOSITS', toState: 'ROLLED_BACK', triggeredBy: 'operator:force-rollback' });
    expect(await api().request('GET', `/v1/settlements/${id}/events/verify`)).toMatchObject({ valid: true });
  });

  it('needs the admin scope', async () => {
    const client = await fixtureClient(services().db, { platform: 'demo-platform', environment: 'sandbox', name: 'writer', scopes: ['settlements:write', 'settlements:read'] });
    const writer = new LockstepApi(manifest.api_url);
    await writer.authenticate(client.client_id, client.client_secret);
    expect(await admin('00000000-0000-4000-8000-000000000099/cancel', {}, writer)).toMatchObject({ status: 403 });
    expect(await writer.request('GET', '/v1/admin/settlements/stuck').catch((e: ApiRequestError) => e.status)).toBe(403);
  });
});
