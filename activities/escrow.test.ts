// The escrow activities against the real escrow contract on an anvil of their own, each run in
// Temporal's mock activity context (heartbeats, the details an earlier attempt left). Only the
// database is a fake: the settlement rows the activities read the escrow's terms from.

import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createTestClient, createWalletClient, http, parseUnits, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChain, signEscrowCall, type Chain } from '../chain/client.ts';
import { escrowIdFor } from '../chain/escrowId.ts';
import { readEscrow } from '../chain/escrow.ts';
import { demoTokenAbi } from '../contracts/generated/DemoToken.ts';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow.ts';
import type { Db } from '../db/client.ts';
import { FailureType } from '../domain/errors.ts';
import { startScratchAnvil } from '../stack/anvil.ts';
import { DEMO_WALLETS, deployDemoChain, type DemoChain } from '../stack/demoChain.ts';
import type { ManagedProcess } from '../stack/process.ts';
import { escrowActivities } from './escrow.ts';

const ASSET = parseUnits('10', 18);
const PAYMENT = parseUnits('2500', 6);

let anvil: ManagedProcess;
let rpcUrl: string;
let demo: DemoChain;
let chain: Chain;
/** The settlements the fake database holds, by id. */
const settlements = new Map<string, ReturnType<typeof settlementRow>>();
type EscrowActivities = ReturnType<typeof escrowActivities>;
let activities: EscrowActivities;

beforeAll(async () => {
  ({ anvil, rpcUrl } = await startScratchAnvil());
  demo = await deployDemoChain(rpcUrl);
  chain = createChain({
    chainId: demo.chain_id,
    rpcUrl,
    escrowAddress: demo.escrow_address,
    escrowDeployBlock: BigInt(demo.deploy_block),
    operatorPrivateKey: DEMO_WALLETS.operator.private_key,
  });
  const db = { settlement: { findUniqueOrThrow: async ({ where }: { where: { id: string } }) => settlements.get(where.id)! } } as unknown as Db;
  activities = escrowActivities({ db, chain, confirmations: 2, receiptWaitMs: 10_000 });
}, 60_000);

afterAll(async () => {
  await anvil?.stop();
});

/** The seller's DEMO against the buyer's USDC, as the settlement's rows give the terms. */
function settlementRow(timeoutAt = new Date(Date.now() + 3_600_000)) {
  const leg = (index: number, token: string, fromRole: string, toRole: string, amount: bigint) => ({ index, tokenStandard: 'erc20', tokenAddress: token, fromRole, toRole, amount: amount.toString() });
  return {
    id: randomUUID(),
    timeoutAt,
    parties: [
      { role: 'seller', walletAddress: DEMO_WALLETS.seller.address },
      { role: 'buyer', walletAddress: DEMO_WALLETS.buyer.address },
    ],
    legs: [leg(0, demo.tokens.DEMO!.address, 'seller', 'buyer', ASSET), leg(1, demo.tokens.USDC!.address, 'buyer', 'seller', PAYMENT)],
  };
}

function newSettlement(timeoutAt?: Date): string {
  const row = settlementRow(timeoutAt);
  settlements.set(row.id, row);
  return row.id;
}

/** One attempt of an activity, in an environment of its own (an earlier attempt's heartbeat details, if any). */
function run<K extends keyof EscrowActivities>(name: K, input: Parameters<EscrowActivities[K]>[0], env = new MockActivityEnvironment()) {
  return env.run(() => activities[name](input as never)) as ReturnType<EscrowActivities[K]>;
}

/** The depositor's approve and deposit of one leg, as it would send them. */
async function deposit(settlementId: string, legIndex: 0 | 1) {
  const depositor = legIndex === 0 ? DEMO_WALLETS.seller : DEMO_WALLETS.buyer;
  const token = (legIndex === 0 ? demo.tokens.DEMO! : demo.tokens.USDC!).address;
  const wallet = createWalletClient({ transport: http(rpcUrl), chain: chain.publicClient.chain, account: privateKeyToAccount(depositor.private_key) });
  const mined = async (hash: Promise<`0x${string}`>) => chain.publicClient.waitForTransactionReceipt({ hash: await hash });
  await mined(wallet.writeContract({ address: token, abi: demoTokenAbi, functionName: 'approve', args: [demo.escrow_address, legIndex === 0 ? ASSET : PAYMENT] }));
  await mined(wallet.writeContract({ address: demo.escrow_address, abi: lockstepEscrowAbi, functionName: 'deposit', args: [escrowIdFor(settlementId), BigInt(legIndex)] }));
}

const balanceOf = (token: Address, owner: Address) => chain.publicClient.readContract({ address: token, abi: demoTokenAbi, functionName: 'balanceOf', args: [owner] });

async function registered(): Promise<string> {
  const id = newSettlement();
  expect(await run('registerEscrow', { settlementId: id })).toMatchObject({ outcome: 'registered', tx_hash: expect.stringMatching(/^0x/) });
  return id;
}

describe('registerEscrow', () => {
  it('registers the terms once: a retry with the same terms finds them and sends nothing', async () => {
    const id = await registered();
    expect((await readEscrow(chain, escrowIdFor(id))).status).toBe('Registered');
    expect(await run('registerEscrow', { settlementId: id })).toMatchObject({ outcome: 'registered', tx_hash: null, escrow_id: escrowIdFor(id) });
  });

  it('refuses, for good, an escrow id registered with other terms', async () => {
    const id = await registered();
    settlements.get(id)!.legs[1]!.amount = (PAYMENT + 1n).toString();
    await expect(run('registerEscrow', { settlementId: id })).rejects.toMatchObject({ type: FailureType.EscrowConflict, nonRetryable: true });
  });

  it('gives up without a transaction when timeout_at has passed', async () => {
    const id = newSettlement(new Date(Date.now() - 60_000));
    expect(await run('registerEscrow', { settlementId: id })).toMatchObject({ outcome: 'deadline_passed' });
    expect((await readEscrow(chain, escrowIdFor(id))).status).toBe('None');
  });
});

describe('executeSwap and awaitFinality', () => {
  it('swaps only once every leg is in, answers a retry with the same transaction, and waits for its confirmations', async () => {
    const id = await registered();
    await deposit(id, 0);
    expect(await run('readDeposits', { settlementId: id })).toEqual({ deposited: [0] });
    expect(await run('executeSwap', { settlementId: id })).toEqual({ outcome: 'not_settled', reason: 'not every leg is deposited' });

    await deposit(id, 1);
    const buyerAssetBefore = await balanceOf(demo.tokens.DEMO!.address, DEMO_WALLETS.buyer.address);
    const swap = await run('executeSwap', { settlementId: id });
    expect(swap).toMatchObject({ outcome: 'settled', txHash: expect.stringMatching(/^0x/) });
    expect(await balanceOf(demo.tokens.DEMO!.address, DEMO_WALLETS.buyer.address)).toBe(buyerAssetBefore + ASSET);
    // A retry after the swap (its answer lost) reads the Settled log instead of sending again.
    expect(await run('executeSwap', { settlementId: id })).toEqual(swap);

    if (swap.outcome !== 'settled') throw new Error('not settled');
    // One block deep: finality waits for the next block.
    const finality = run('awaitFinality', { settlementId: id, txHash: swap.txHash });
    await createTestClient({ mode: 'anvil', transport: http(rpcUrl) }).mine({ blocks: 1 });
    expect(await finality).toEqual({ blockNumber: swap.blockNumber, confirmations: 2 });
    await expect(run('refundEscrow', { settlementId: id })).rejects.toMatchObject({ type: FailureType.EscrowAlreadySettled, nonRetryable: true });
  });

  it('resumes the transaction an earlier attempt signed, never signing a second', async () => {
    const id = await registered();
    await deposit(id, 0);
    await deposit(id, 1);
    // The earlier attempt signed and kept the settle, then died before the node had it.
    const signed = await signEscrowCall(chain, 'settle', [escrowIdFor(id)]);
    const heartbeats: unknown[] = [];
    const env = new MockActivityEnvironment({ heartbeatDetails: { tx: signed } });
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    expect(await run('executeSwap', { settlementId: id }, env)).toMatchObject({ outcome: 'settled', txHash: signed.hash });
    expect(heartbeats.at(-1)).toEqual({ tx: undefined });
  });
});

describe('refundEscrow', () => {
  it('pays back what was deposited, once: a retry finds the escrow refunded', async () => {
    const id = await registered();
    const sellerBefore = await balanceOf(demo.tokens.DEMO!.address, DEMO_WALLETS.seller.address);
    await deposit(id, 0);
    const refund = await run('refundEscrow', { settlementId: id });
    expect(refund).toMatchObject({ outcome: 'refunded', txHash: expect.stringMatching(/^0x/), refundedLegs: [0], unpaidLegs: [] });
    expect(await balanceOf(demo.tokens.DEMO!.address, DEMO_WALLETS.seller.address)).toBe(sellerBefore);
    expect(await run('refundEscrow', { settlementId: id })).toEqual({ ...refund, txHash: null });
  });

  it('has nothing to refund for an escrow never registered', async () => {
    expect(await run('refundEscrow', { settlementId: newSettlement() })).toEqual({ outcome: 'not_registered', txHash: null, refundedLegs: [], unpaidLegs: [] });
  });
});
