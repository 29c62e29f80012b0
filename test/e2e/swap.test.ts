// The swap against a chain that misbehaves: a token that refuses the transfer for a while, an
// RPC node that goes away, a transaction that sits unmined or is dropped from the node's pool.
// This file's worker reaches anvil through a proxy the tests can switch off, and waits only a
// few seconds for a receipt before leaving the transaction to its next attempt.

import { createTestClient, createWalletClient, defineChain, getContract, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, describe, expect, it } from 'vitest';
import { freezableTokenAbi, freezableTokenBytecode } from '../../contracts/generated/FreezableToken.ts';
import { workflowIdFor } from '../../workflows/names.ts';
import { RpcProxy } from '../support/rpcProxy.ts';
import { stackContext, withServices } from '../support/services.ts';
import { balanceOf, chainReader, depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const proxy = await new RpcProxy(manifest.chain.rpc_url).start();
const services = withServices({ worker: { RPC_URL: proxy.url, TX_RECEIPT_WAIT_MS: '5000' } });
afterAll(() => proxy.stop());

const anvilChain = defineChain({ id: manifest.chain.chain_id, name: 'test', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [manifest.chain.rpc_url] } } });
const anvil = createTestClient({ chain: anvilChain, mode: 'anvil', transport: http(manifest.chain.rpc_url) });

/** Transactions waiting in anvil's pool from this address, by nonce. */
async function pendingFrom(address: string) {
  const pool = await anvil.getTxpoolContent();
  return Object.entries(pool.pending).find(([from]) => from.toLowerCase() === address.toLowerCase())?.[1];
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function swapActivityOf(id: string) {
  return async () => {
    const pending = (await services().temporal.workflow.getHandle(workflowIdFor(id)).describe()).raw.pendingActivities ?? [];
    return pending.find((a) => a.activityType?.name === 'executeSwap');
  };
}

/** A settlement whose asset is a token that can be switched off, like a paused stablecoin, with the seller's leg deposited. */
async function settlementWithFreezableAsset() {
  const reader = chainReader(manifest);
  const { seller } = manifest.wallets;
  const wallet = createWalletClient({ chain: anvilChain, transport: http(manifest.chain.rpc_url), account: privateKeyToAccount(seller.private_key) });
  const mined = async (hash: Hex) => (await reader.waitForTransactionReceipt({ hash, pollingInterval: 100 })).status;
  const deployed = await reader.waitForTransactionReceipt({ hash: await wallet.deployContract({ abi: freezableTokenAbi, bytecode: freezableTokenBytecode }) });
  const token = getContract({ address: deployed.contractAddress!, abi: freezableTokenAbi, client: wallet });
  expect(await mined(await token.write.mint([seller.address, 100n * 10n ** 18n]))).toBe('success');
  const body = dvpInstruction(manifest);
  body.legs[0]!.instrument_id = token.address;
  const created = await services().api.request<SettlementView>('POST', '/v1/settlements', body);
  const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
  await depositAs(manifest, awaiting, 'seller');
  return { token, mined, awaiting, swapActivity: swapActivityOf(created.id) };
}

/**
 * With automine off: the buyer's deposit mined in a block of its own, so that none can take the
 * swap along with it; then the swap's transaction, sent and waiting in the pool.
 */
async function buyerDepositsThenSwapWaits(awaiting: SettlementView): Promise<Hex> {
  let deposited = false;
  const deposit = depositAs(manifest, awaiting, 'buyer').finally(() => (deposited = true));
  while (!deposited) {
    if (await pendingFrom(manifest.wallets.buyer.address)) await anvil.mine({ blocks: 1 });
    await new Promise((r) => setTimeout(r, 100));
  }
  await deposit;
  const settle = await until('the swap transaction in the pool', () => pendingFrom(manifest.wallets.operator.address), 20_000);
  return Object.values(settle)[0]!.hash;
}

describe('the swap', () => {
  it('retries a swap whose transaction reverted on-chain, instead of unwinding a complete settlement', async () => {
    const { token, mined, awaiting, swapActivity } = await settlementWithFreezableAsset();

    // Blocks by hand from here, so that the swap is estimated against a payable token but mined
    // after the token was frozen: the way a swap reverts on a live chain.
    await anvil.setAutomine(false);
    try {
      const settleHash = await buyerDepositsThenSwapWaits(awaiting);
      // A higher tip puts the freeze first in the block.
      const freeze = await token.write.setFrozen([true], { maxPriorityFeePerGas: 100_000_000_000n, maxFeePerGas: 200_000_000_000n });
      await anvil.mine({ blocks: 1 });
      expect(await mined(freeze)).toBe('success');
      expect(await mined(settleHash)).toBe('reverted');
    } finally {
      await anvil.setAutomine(true);
    }

    // Every leg is in and the deadline is far: the swap is tried again, not unwound.
    const swap = await until('a second swap attempt', async () => {
      const a = await swapActivity();
      return (a?.attempt ?? 0) >= 2 && a;
    }, 20_000);
    expect(swap.lastFailure?.message).toMatch(/^settle (transaction 0x[0-9a-f]{64} reverted|refused: .*); the escrow is open with every leg deposited, trying again$/);
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

  it('counts only the contract\'s refusals against the swap, not the attempts an RPC outage failed', async () => {
    const { token, mined, awaiting, swapActivity } = await settlementWithFreezableAsset();
    const attempt = (n: number) => until(`swap attempt ${n}`, async () => {
      const a = await swapActivity();
      return (a?.attempt ?? 0) >= n && a;
    });
    expect(await mined(await token.write.setFrozen([true]))).toBe('success');
    await depositAs(manifest, awaiting, 'buyer');
    expect((await attempt(2)).lastFailure?.message).toMatch(/^settle refused: .*trying again$/);

    // Three attempts fail on the RPC (2, 4 and 8 s apart), then the fifth is refused again:
    // two refusals in five attempts, far from the budget.
    proxy.up = false;
    try {
      expect((await attempt(5)).lastFailure?.message).not.toMatch(/refused/);
    } finally {
      proxy.up = true;
    }
    const fifth = await until('the fifth attempt refused, or the settlement given up', async () => {
      const [a, s] = await Promise.all([swapActivity(), services().api.request<SettlementView>('GET', `/v1/settlements/${awaiting.id}`)]);
      return s.state === 'ROLLED_BACK' ? s.failure_reason : (a?.attempt ?? 0) >= 6 && a?.lastFailure?.message;
    });
    expect(fifth).toMatch(/^settle refused: .*trying again$/);

    expect(await mined(await token.write.setFrozen([false]))).toBe('success');
    expect((await waitForState(services().api, awaiting.id, ['FINALIZED', 'ROLLED_BACK'], 120_000)).state).toBe('FINALIZED');
  }, 180_000);

  it('sends the swap once: an unmined transaction is waited for across attempts, and a dropped one is sent again unchanged', async () => {
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'seller');
    const swapActivity = swapActivityOf(created.id);
    const operatorPool = async () => Object.values((await pendingFrom(manifest.wallets.operator.address)) ?? {}).map((t) => t.hash);
    let settleHash: Hex;
    await anvil.setAutomine(false);
    try {
      settleHash = await buyerDepositsThenSwapWaits(awaiting);
      // Past the worker's 5 s wait for a receipt, into the next attempt: still the one transaction.
      await until('a second swap attempt', async () => ((await swapActivity())?.attempt ?? 0) >= 2, 30_000);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await operatorPool()).toEqual([settleHash]);

      // The node forgets it, as a node does under pressure: the same bytes come back, no new nonce.
      await anvil.dropTransaction({ hash: settleHash });
      expect(await until('the swap back in the pool', async () => (await operatorPool()).length > 0 && operatorPool(), 20_000)).toEqual([settleHash]);
      await anvil.mine({ blocks: 1 });
    } finally {
      await anvil.setAutomine(true);
    }
    const done = await waitForState(services().api, created.id, ['FINALIZED', 'ROLLED_BACK']);
    expect(done.state).toBe('FINALIZED');
    const settled = await services().db.settlementEvent.findFirstOrThrow({ where: { settlementId: created.id, toState: 'SETTLED' } });
    expect((settled.payload as { swap: { txHash: Hex } }).swap.txHash).toBe(settleHash);
    expect((await chainReader(manifest).getTransactionReceipt({ hash: settleHash })).status).toBe('success');
    expect(await operatorPool()).toEqual([]);
  }, 180_000);
});
