import { createTestClient, createWalletClient, defineChain, getContract, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { freezableTokenAbi, freezableTokenBytecode } from '../../contracts/generated/FreezableToken.ts';
import { workflowIdFor } from '../../workflows/names.ts';
import { stackContext, withServices } from '../support/services.ts';
import { balanceOf, chainReader, depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();

async function assertCountedOnce(id: string) {
  const logs = await services().db.chainLog.findMany({ where: { settlementId: id, eventName: 'Deposited' } });
  expect(logs).toHaveLength(2);
  expect(new Set(logs.map((l) => (l.args as { legIndex: string }).legIndex))).toEqual(new Set(['0', '1']));
  const events = await services().db.settlementEvent.findMany({ where: { settlementId: id }, orderBy: { sequence: 'asc' } });
  expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
  expect(events.map((e) => e.toState)).toEqual([
    'INSTRUCTED', 'COMPLIANCE_CHECKING', 'COMPLIANCE_CLEARED', 'REGISTERING_ESCROW', 'AWAITING_DEPOSITS', 'EXECUTING_SWAP', 'SETTLED', 'FINALIZED',
  ]);
}

/** A settlement whose asset is a token that can be switched off, like a paused stablecoin, with the seller's leg deposited. */
async function settlementWithFreezableAsset() {
  const reader = chainReader(manifest);
  const { seller } = manifest.wallets;
  const chain = defineChain({ id: manifest.chain.chain_id, name: 'test', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [manifest.chain.rpc_url] } } });
  const wallet = createWalletClient({ chain, transport: http(manifest.chain.rpc_url), account: privateKeyToAccount(seller.private_key) });
  const mined = async (hash: Hex) => (await reader.waitForTransactionReceipt({ hash, pollingInterval: 100 })).status;
  const deployed = await reader.waitForTransactionReceipt({ hash: await wallet.deployContract({ abi: freezableTokenAbi, bytecode: freezableTokenBytecode }) });
  const token = getContract({ address: deployed.contractAddress!, abi: freezableTokenAbi, client: wallet });
  expect(await mined(await token.write.mint([seller.address, 100n * 10n ** 18n]))).toBe('success');
  const body = dvpInstruction(manifest);
  body.legs[0]!.instrument_id = token.address;
  const created = await services().api.request<SettlementView>('POST', '/v1/settlements', body);
  const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
  await depositAs(manifest, awaiting, 'seller');
  const swapActivity = async () => {
    const pending = (await services().temporal.workflow.getHandle(workflowIdFor(created.id)).describe()).raw.pendingActivities ?? [];
    return pending.find((a) => a.activityType?.name === 'executeSwap');
  };
  return { chain, token, mined, awaiting, swapActivity };
}

describe('crash recovery', () => {
  it('finalizes after the worker is killed while the settlement awaits deposits', async () => {
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await services().processes.worker.kill();
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    // The listener records and signals while no worker runs; nothing may move yet.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await services().api.request<SettlementView>('GET', `/v1/settlements/${created.id}`)).state).toBe('AWAITING_DEPOSITS');
    await services().processes.worker.start();
    expect((await waitForState(services().api, created.id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');
    await assertCountedOnce(created.id);
  });

  it('finalizes when the listener is killed between the deposits, and ignores re-delivered signals', async () => {
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await services().processes.listener.kill();
    await depositAs(manifest, awaiting, 'seller');
    await services().processes.listener.start();

    // Once the seller's deposit is signalled, deliver it again: it must not count as the buyer's.
    for (let i = 0; i < 100; i++) {
      const log = await services().db.chainLog.findFirst({ where: { settlementId: created.id, eventName: 'Deposited' } });
      if (log?.signaledAt) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await services().db.chainLog.updateMany({ where: { settlementId: created.id }, data: { signaledAt: null } });
    await new Promise((r) => setTimeout(r, 1500));
    const stillWaiting = await services().api.request<SettlementView>('GET', `/v1/settlements/${created.id}`);
    expect(stillWaiting.state).toBe('AWAITING_DEPOSITS');
    expect(stillWaiting.legs.map((l) => l.deposit.status)).toEqual(['deposited', 'pending']);

    await depositAs(manifest, stillWaiting, 'buyer');
    expect((await waitForState(services().api, created.id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');
    await assertCountedOnce(created.id);
  });

  it('starts the workflow of a settlement whose create request died after the database commit', async () => {
    // The state a crash between the insert and the workflow start leaves behind: a row nothing drives.
    const template = await services().api.request<{ id: string }>('POST', '/v1/settlements', dvpInstruction(manifest));
    const source = await services().db.settlement.findUniqueOrThrow({ where: { id: template.id }, include: { parties: true, legs: true } });
    const id = crypto.randomUUID();
    await services().db.settlement.create({
      data: {
        ...source,
        id,
        idempotencyKey: `orphan-${id}`,
        escrowId: `0x${id.replaceAll('-', '').padStart(64, '0')}`,
        state: 'INSTRUCTED',
        workflowStartedAt: null,
        createdAt: new Date(Date.now() - 60_000),
        updatedAt: undefined,
        parties: { create: source.parties.map(({ settlementId: _, ...p }) => p) },
        legs: { create: source.legs.map(({ settlementId: _, ...l }) => l) },
      },
    });
    const swept = await waitForState(services().api, id, ['AWAITING_DEPOSITS'], 30_000);
    expect(swept.workflow.id).toBe(`settlement-${id}`);
    expect((await services().db.settlement.findUniqueOrThrow({ where: { id } })).workflowStartedAt).not.toBeNull();
  });

  it('retries a swap whose transaction reverted on-chain, instead of unwinding a complete settlement', async () => {
    const { chain, token, mined, awaiting, swapActivity } = await settlementWithFreezableAsset();
    const { operator, buyer } = manifest.wallets;
    const anvil = createTestClient({ chain, mode: 'anvil', transport: http(manifest.chain.rpc_url) });

    // Blocks by hand from here, so that the swap is estimated against a payable token but mined
    // after the token was frozen: the way a swap reverts on a live chain.
    await anvil.setAutomine(false);
    const pendingFrom = async (address: string) => {
      const pool = await anvil.getTxpoolContent();
      return Object.entries(pool.pending).find(([from]) => from.toLowerCase() === address.toLowerCase())?.[1];
    };
    try {
      // A block only for a buyer's transaction, so that none can take the swap along with it.
      let deposited = false;
      const deposit = depositAs(manifest, awaiting, 'buyer').finally(() => (deposited = true));
      while (!deposited) {
        if (await pendingFrom(buyer.address)) await anvil.mine({ blocks: 1 });
        await new Promise((r) => setTimeout(r, 100));
      }
      await deposit;
      let settle = await pendingFrom(operator.address);
      for (let i = 0; i < 200 && !settle; i++) {
        await new Promise((r) => setTimeout(r, 100));
        settle = await pendingFrom(operator.address);
      }
      expect(settle, 'the swap transaction is waiting to be mined').toBeDefined();
      const settleHash = Object.values(settle!)[0]!.hash as Hex;
      // A higher tip puts the freeze first in the block.
      const freeze = await token.write.setFrozen([true], { maxPriorityFeePerGas: 100_000_000_000n, maxFeePerGas: 200_000_000_000n });
      await anvil.mine({ blocks: 1 });
      expect(await mined(freeze)).toBe('success');
      expect(await mined(settleHash)).toBe('reverted');
    } finally {
      await anvil.setAutomine(true);
    }

    // Every leg is in and the deadline is far: the swap is tried again, not unwound.
    let swap = await swapActivity();
    for (let i = 0; i < 100 && (swap?.attempt ?? 0) < 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      swap = await swapActivity();
    }
    expect(swap?.attempt).toBeGreaterThanOrEqual(2);
    expect(swap?.lastFailure?.message).toMatch(/^settle (transaction 0x[0-9a-f]{64} reverted|refused: .*); the escrow is open with every leg deposited, trying again$/);
    expect((await services().api.request<SettlementView>('GET', `/v1/settlements/${awaiting.id}`)).state).toBe('EXECUTING_SWAP');

    expect(await mined(await token.write.setFrozen([false]))).toBe('success');
    expect((await waitForState(services().api, awaiting.id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');
    expect(await balanceOf(manifest, token.address, manifest.wallets.buyer.address)).toBe(100n * 10n ** 18n);
  });

  it('rolls back, refunding what it can, when the swap is still refused after its last attempt', async () => {
    const { token, mined, awaiting } = await settlementWithFreezableAsset();
    expect(await mined(await token.write.setFrozen([true]))).toBe('success');
    await depositAs(manifest, awaiting, 'buyer');
    const done = await waitForState(services().api, awaiting.id, ['FINALIZED', 'ROLLED_BACK'], 120_000);
    expect(done.state).toBe('ROLLED_BACK');
    expect(done.failure_reason).toMatch(/^settle refused: .*; escrow is Registered$/);
    // The frozen leg stays claimable in the escrow; the payment went back to the buyer.
    const last = await services().db.settlementEvent.findFirstOrThrow({ where: { settlementId: awaiting.id }, orderBy: { sequence: 'desc' } });
    expect((last.payload as { refund: { refundedLegs: number[]; unpaidLegs: number[] } }).refund).toMatchObject({ refundedLegs: [1], unpaidLegs: [0] });
  }, 150_000);
});
