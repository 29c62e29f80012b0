import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { encodeFunctionData, erc20Abi } from 'viem';
import { describe, expect, it } from 'vitest';
import { eventSchema, pageOf, settlementSchema } from '../../api/responses.ts';
import { lockstepEscrowAbi } from '../../contracts/generated/LockstepEscrow.ts';
import { sendPreparedCalls } from '../../cli/depositor.ts';
import { ensureTemporalCli } from '../../stack/temporal.ts';
import { stackContext, withServices } from '../support/services.ts';
import { balanceOf, chainReader, depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const { DEMO, USDC } = manifest.chain.tokens as Record<string, { address: `0x${string}` }>;
const { buyer, seller } = manifest.wallets;
// A worker that keeps two settlements in memory: with more open at once, each is dropped
// between its steps and replayed from its history at the next (WORKER_MAX_CACHED_WORKFLOWS).
const services = withServices({ worker: { WORKER_MAX_CACHED_WORKFLOWS: '2' } });

describe('a DvP settlement end to end', () => {
  it('screens, escrows, swaps exactly and finalizes', async () => {
    const before = {
      sellerAsset: await balanceOf(manifest, DEMO!.address, seller.address),
      buyerAsset: await balanceOf(manifest, DEMO!.address, buyer.address),
      sellerCash: await balanceOf(manifest, USDC!.address, seller.address),
      buyerCash: await balanceOf(manifest, USDC!.address, buyer.address),
      escrowAsset: await balanceOf(manifest, DEMO!.address, manifest.chain.escrow_address),
      escrowCash: await balanceOf(manifest, USDC!.address, manifest.chain.escrow_address),
    };
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    expect(created).toMatchObject({ state: 'INSTRUCTED', settlement_type: 'single_platform' });
    settlementSchema.parse(created); // the documented shape is the served one

    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    settlementSchema.parse(awaiting);
    const done = await waitForState(services().api, created.id, ['FINALIZED', 'ROLLED_BACK']);
    expect(done.state).toBe('FINALIZED');
    settlementSchema.parse(done);
    pageOf(eventSchema).parse(await services().api.request('GET', `/v1/settlements/${created.id}/events`));
    expect(done.legs.every((l) => l.deposit.status === 'deposited' && l.deposit.instructions === null)).toBe(true);

    const asset = 100n * 10n ** 18n;
    const cash = 50_000_250_000n; // 50000.25 USDC with 6 decimals
    expect(await balanceOf(manifest, DEMO!.address, seller.address)).toBe(before.sellerAsset - asset);
    expect(await balanceOf(manifest, DEMO!.address, buyer.address)).toBe(before.buyerAsset + asset);
    expect(await balanceOf(manifest, USDC!.address, buyer.address)).toBe(before.buyerCash - cash);
    expect(await balanceOf(manifest, USDC!.address, seller.address)).toBe(before.sellerCash + cash);
    // The escrow holds nothing for this settlement afterwards.
    expect(await balanceOf(manifest, DEMO!.address, manifest.chain.escrow_address)).toBe(before.escrowAsset);
    expect(await balanceOf(manifest, USDC!.address, manifest.chain.escrow_address)).toBe(before.escrowCash);
    const [status] = await chainReader(manifest).readContract({
      address: manifest.chain.escrow_address,
      abi: lockstepEscrowAbi,
      functionName: 'getEscrow',
      args: [done.escrow.escrow_id],
    });
    expect(status).toBe(2); // Settled

    const events = await services().db.settlementEvent.findMany({ where: { settlementId: created.id }, orderBy: { sequence: 'asc' } });
    expect(events.map((e) => e.toState)).toEqual([
      'INSTRUCTED',
      'COMPLIANCE_CHECKING',
      'COMPLIANCE_CLEARED',
      'REGISTERING_ESCROW',
      'AWAITING_DEPOSITS',
      'EXECUTING_SWAP',
      'SETTLED',
      'FINALIZED',
    ]);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Transitions are recorded by local activities: only the states' actions go through the
    // task queue. And the run replays from its own history as the current code.
    const history = await services().temporal.workflow.getHandle(done.workflow.id).fetchHistory();
    const scheduled = history.events!.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(new Set(scheduled)).toEqual(new Set(['screenParties', 'registerEscrow', 'readDeposits', 'executeSwap', 'awaitFinality']));
    const markers = history.events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(markers).toHaveLength(events.length);
    await Worker.runReplayHistory({ workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)), replayName: done.workflow.id }, history);
  });

  it('lists finalized settlements by the SettlementState search attribute, from the temporal CLI', async () => {
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    await waitForState(services().api, created.id, ['FINALIZED']);

    const cli = await ensureTemporalCli(() => undefined);
    const list = async () => {
      const { stdout } = await promisify(execFile)(cli, [
        'workflow', 'list', '--address', manifest.temporal.address, '--query', "SettlementState='FINALIZED'", '--output', 'json',
      ]);
      return (JSON.parse(stdout || '[]') as { execution: { workflowId: string } }[]).map((w) => w.execution.workflowId);
    };
    // Visibility is eventually consistent: give it a few seconds.
    let ids = await list();
    for (let i = 0; i < 20 && !ids.includes(created.workflow.id); i++) {
      await new Promise((r) => setTimeout(r, 500));
      ids = await list();
    }
    expect(ids).toContain(created.workflow.id);
  });

  it('finalizes five settlements at once on a worker that keeps two in memory', async () => {
    const awaiting = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
        return waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
      }),
    );
    // One wallet's deposits one after the other, from instructions read just before: each approval covers what is still owed.
    for (const role of ['seller', 'buyer'] as const) {
      for (const s of awaiting) await depositAs(manifest, await services().api.request<SettlementView>('GET', `/v1/settlements/${s.id}`), role);
    }
    const done = await Promise.all(awaiting.map((s) => waitForState(services().api, s.id, ['FINALIZED', 'ROLLED_BACK'])));
    expect(done.map((s) => s.state)).toEqual(Array(5).fill('FINALIZED'));
  });

  it('lets one wallet deposit into several settlements in one token from instructions taken at different times', async () => {
    // No allowance to start from, so the first instructions must approve.
    await sendPreparedCalls(manifest.chain.rpc_url, seller.private_key, [
      { step: 'approve', chain_id: manifest.chain.chain_id, from: seller.address, to: DEMO!.address, value: '0', data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [manifest.chain.escrow_address, 0n] }) },
    ]);
    const [first, second] = await Promise.all(
      [0, 1].map(async () => {
        const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
        return waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
      }),
    );
    const sellerCalls = (s: SettlementView) => s.legs.filter((l) => l.from_role === 'seller').flatMap((l) => l.deposit.instructions ?? []);
    // A page of settlements shows each one's deposit instructions as reading it alone does.
    const page = await services().api.request<{ items: SettlementView[] }>('GET', '/v1/settlements?state=AWAITING_DEPOSITS&limit=200');
    for (const s of [first!, second!]) {
      expect(page.items.find((i) => i.id === s.id)?.legs).toEqual((await services().api.request<SettlementView>('GET', `/v1/settlements/${s.id}`)).legs);
    }
    // The first settlement's approval goes out; the second's instructions are read after it,
    // and the second settlement is deposited whole before the first one's deposit.
    const [approve, deposit] = sellerCalls(first!);
    expect(approve?.step).toBe('approve');
    await sendPreparedCalls(manifest.chain.rpc_url, seller.private_key, [approve!]);
    const secondNow = await services().api.request<SettlementView>('GET', `/v1/settlements/${second!.id}`);
    await sendPreparedCalls(manifest.chain.rpc_url, seller.private_key, sellerCalls(secondNow));
    await sendPreparedCalls(manifest.chain.rpc_url, seller.private_key, [deposit!]);
    for (const s of [first!, second!]) {
      await depositAs(manifest, s, 'buyer');
      expect((await waitForState(services().api, s.id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');
    }
  });
});
