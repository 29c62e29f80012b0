import { randomUUID } from 'node:crypto';
import {
  type Account,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  getContract,
  type Hex,
  http,
  maxUint256,
  parseEventLogs,
  parseUnits,
} from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoTokenAbi } from './generated/DemoToken.ts';
import { freezableTokenAbi, freezableTokenBytecode } from './generated/FreezableToken.ts';
import { lockstepEscrowAbi } from './generated/LockstepEscrow.ts';
import { anvilAccount, startScratchAnvil } from '../stack/anvil.ts';
import type { ManagedProcess } from '../stack/process.ts';
import { deployContracts } from '../chain/deploy.ts';
import { escrowIdFor } from '../chain/escrowId.ts';

const operator = anvilAccount(0);
const alice = anvilAccount(1); // sells the asset
const bob = anvilAccount(2); // pays in USDC
const stranger = anvilAccount(3);

const ASSET_AMOUNT = parseUnits('10', 18);
const USDC_AMOUNT = parseUnits('2500.5', 6);

const Status = { None: 0, Registered: 1, Settled: 2, Refunded: 3 } as const;

async function setup(rpcUrl: string) {
  const transport = http(rpcUrl);
  // cacheTime 0: tests jump the clock and revert snapshots, so cached block data goes stale.
  const publicClient = createPublicClient({ chain: foundry, transport, cacheTime: 0 });
  const testClient = createTestClient({ chain: foundry, transport, mode: 'anvil' });
  const walletOf = (account: Account) => createWalletClient({ chain: foundry, transport, account });

  const { escrow, assetToken, usdc } = await deployContracts({
    walletClient: walletOf(operator),
    publicClient,
    operator: operator.address,
  });

  const escrowAs = (account: Account) =>
    getContract({ address: escrow, abi: lockstepEscrowAbi, client: { public: publicClient, wallet: walletOf(account) } });
  const tokenAs = (token: Address, account: Account) =>
    getContract({ address: token, abi: demoTokenAbi, client: { public: publicClient, wallet: walletOf(account) } });

  const mined = async (hash: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    expect(receipt.status).toBe('success');
    return receipt;
  };

  await mined(tokenAs(assetToken, operator).write.mint([alice.address, parseUnits('1000', 18)]));
  await mined(tokenAs(usdc, operator).write.mint([bob.address, parseUnits('1000000', 6)]));
  await mined(tokenAs(assetToken, alice).write.approve([escrow, maxUint256]));
  await mined(tokenAs(usdc, bob).write.approve([escrow, maxUint256]));

  return { rpcUrl, publicClient, testClient, escrow, assetToken, usdc, escrowAs, tokenAs, mined };
}

let anvil: ManagedProcess;
let ctx: Awaited<ReturnType<typeof setup>>;
let snapshot: Hex;

beforeAll(async () => {
  const started = await startScratchAnvil();
  anvil = started.anvil;
  ctx = await setup(started.rpcUrl);
});

afterAll(async () => {
  await anvil?.stop();
});

// Every test starts from the freshly deployed and funded chain, clock included.
beforeEach(async () => {
  snapshot = await ctx.testClient.snapshot();
});

afterEach(async () => {
  await ctx.testClient.revert({ id: snapshot });
});

async function expectRevert(promise: Promise<unknown>, errorName: string, args?: readonly unknown[]) {
  const error = await promise.then(
    () => {
      throw new Error(`expected revert with ${errorName}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BaseError);
  const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
  expect(revert, String(error)).toBeInstanceOf(ContractFunctionRevertedError);
  const data = (revert as ContractFunctionRevertedError).data;
  expect(data?.errorName).toBe(errorName);
  if (args) expect(data?.args).toEqual(args);
}

async function now(): Promise<bigint> {
  return (await ctx.publicClient.getBlock()).timestamp;
}

async function advancePast(deadline: bigint) {
  await ctx.testClient.setNextBlockTimestamp({ timestamp: deadline + 1n });
  await ctx.testClient.mine({ blocks: 1 });
}

function termsFor(overrides: { usdcAmount?: bigint } = {}) {
  return [
    { token: ctx.assetToken, depositor: alice.address, recipient: bob.address, amount: ASSET_AMOUNT },
    { token: ctx.usdc, depositor: bob.address, recipient: alice.address, amount: overrides.usdcAmount ?? USDC_AMOUNT },
  ] as const;
}

async function registerEscrow(ttlSeconds = 3600n) {
  const id = escrowIdFor(randomUUID());
  const legs = termsFor();
  const deadline = (await now()) + ttlSeconds;
  const receipt = await ctx.mined(ctx.escrowAs(operator).write.register([id, legs, deadline]));
  return { id, legs, deadline, receipt };
}

async function balances() {
  const balanceOf = (token: Address, owner: Address) => ctx.tokenAs(token, operator).read.balanceOf([owner]);
  const [aliceAsset, aliceUsdc, bobAsset, bobUsdc, escrowAsset, escrowUsdc] = await Promise.all([
    balanceOf(ctx.assetToken, alice.address),
    balanceOf(ctx.usdc, alice.address),
    balanceOf(ctx.assetToken, bob.address),
    balanceOf(ctx.usdc, bob.address),
    balanceOf(ctx.assetToken, ctx.escrow),
    balanceOf(ctx.usdc, ctx.escrow),
  ]);
  return { aliceAsset, aliceUsdc, bobAsset, bobUsdc, escrowAsset, escrowUsdc };
}

async function statusOf(id: Hex) {
  const [status] = await ctx.escrowAs(operator).read.getEscrow([id]);
  return status;
}

const depositAs = (account: Account, id: Hex, legIndex: bigint) =>
  ctx.mined(ctx.escrowAs(account).write.deposit([id, legIndex]));

describe('LockstepEscrow', () => {
  it('settles both legs atomically once both are deposited', async () => {
    const before = await balances();
    const { id, legs, deadline, receipt } = await registerEscrow();
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: receipt.logs, eventName: 'EscrowRegistered' })[0]?.args)
      .toEqual({ id, deadline, legCount: 2n });

    const deposit = await depositAs(alice, id, 0n);
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: deposit.logs, eventName: 'Deposited' })[0]?.args).toEqual({
      id,
      legIndex: 0n,
      depositor: alice.address,
      token: ctx.assetToken,
      amount: ASSET_AMOUNT,
    });
    await depositAs(bob, id, 1n);

    const settle = await ctx.mined(ctx.escrowAs(operator).write.settle([id]));
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: settle.logs, eventName: 'Settled' })).toHaveLength(1);

    const after = await balances();
    expect(after).toEqual({
      aliceAsset: before.aliceAsset - ASSET_AMOUNT,
      aliceUsdc: before.aliceUsdc + USDC_AMOUNT,
      bobAsset: before.bobAsset + ASSET_AMOUNT,
      bobUsdc: before.bobUsdc - USDC_AMOUNT,
      escrowAsset: 0n,
      escrowUsdc: 0n,
    });

    const [status, storedDeadline, , storedLegs] = await ctx.escrowAs(operator).read.getEscrow([id]);
    expect(status).toBe(Status.Settled);
    expect(storedDeadline).toBe(deadline);
    expect(storedLegs).toEqual(legs.map((leg) => ({ ...leg, deposited: true })));
  });

  it('treats re-registering identical terms as a no-op and rejects different terms', async () => {
    const { id, legs, deadline } = await registerEscrow();
    const escrow = ctx.escrowAs(operator);
    const [, , termsHash] = await escrow.read.getEscrow([id]);

    const retry = await ctx.mined(escrow.write.register([id, legs, deadline]));
    expect(retry.logs).toHaveLength(0);
    expect((await escrow.read.getEscrow([id]))[2]).toBe(termsHash);

    await expectRevert(escrow.write.register([id, termsFor({ usdcAmount: USDC_AMOUNT + 1n }), deadline]), 'EscrowExists', [id]);
    await expectRevert(escrow.write.register([id, legs, deadline + 1n]), 'EscrowExists', [id]);
  });

  it('rejects invalid terms and non-operator registration', async () => {
    const escrow = ctx.escrowAs(operator);
    const id = escrowIdFor(randomUUID());
    const deadline = (await now()) + 3600n;
    await expectRevert(escrow.write.register([id, [], deadline]), 'InvalidTerms');
    await expectRevert(escrow.write.register([id, termsFor({ usdcAmount: 0n }), deadline]), 'InvalidTerms');
    await expectRevert(escrow.write.register([id, termsFor(), await now()]), 'InvalidTerms');
    await expectRevert(ctx.escrowAs(stranger).write.register([id, termsFor(), deadline]), 'NotOperator');
  });

  it("only lets a leg's depositor deposit it, once", async () => {
    const { id } = await registerEscrow();
    await expectRevert(ctx.escrowAs(stranger).write.deposit([id, 0n]), 'NotDepositor');
    await expectRevert(ctx.escrowAs(bob).write.deposit([id, 0n]), 'NotDepositor');
    await expectRevert(ctx.escrowAs(alice).write.deposit([id, 2n]), 'LegOutOfRange');
    await depositAs(alice, id, 0n);
    await expectRevert(ctx.escrowAs(alice).write.deposit([id, 0n]), 'AlreadyDeposited');
  });

  it('accepts deposits up to the deadline and rejects them after it', async () => {
    const { id, deadline } = await registerEscrow(100n);
    await ctx.testClient.setNextBlockTimestamp({ timestamp: deadline });
    await depositAs(alice, id, 0n);

    await advancePast(deadline);
    await expectRevert(ctx.escrowAs(bob).write.deposit([id, 1n]), 'DeadlinePassed');
  });

  it('lets the operator refund before the deadline, returning only the deposited leg', async () => {
    const before = await balances();
    const { id } = await registerEscrow();
    await depositAs(alice, id, 0n);

    const receipt = await ctx.mined(ctx.escrowAs(operator).write.refund([id]));
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: receipt.logs, eventName: 'LegRefunded' }).map((log) => log.args))
      .toEqual([{ id, legIndex: 0n, depositor: alice.address, token: ctx.assetToken, amount: ASSET_AMOUNT }]);
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: receipt.logs, eventName: 'Refunded' })).toHaveLength(1);

    expect(await balances()).toEqual(before);
    expect(await statusOf(id)).toBe(Status.Refunded);
  });

  it('lets anyone refund after the deadline, but nobody except the operator before it', async () => {
    const before = await balances();
    const { id, deadline } = await registerEscrow(100n);
    await depositAs(alice, id, 0n);
    await depositAs(bob, id, 1n);

    await expectRevert(ctx.escrowAs(stranger).write.refund([id]), 'DeadlineNotPassed');
    await ctx.testClient.setNextBlockTimestamp({ timestamp: deadline });
    await expectRevert(ctx.escrowAs(stranger).write.refund([id]), 'DeadlineNotPassed');

    await advancePast(deadline);
    await expectRevert(ctx.escrowAs(operator).write.settle([id]), 'DeadlinePassed');
    const receipt = await ctx.mined(ctx.escrowAs(stranger).write.refund([id]));
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: receipt.logs, eventName: 'LegRefunded' })).toHaveLength(2);
    expect(await balances()).toEqual(before);
  });

  it('refuses to settle unless every leg is deposited, and only for the operator', async () => {
    const { id } = await registerEscrow();
    await depositAs(alice, id, 0n);
    await expectRevert(ctx.escrowAs(operator).write.settle([id]), 'NotAllDeposited');
    await depositAs(bob, id, 1n);
    await expectRevert(ctx.escrowAs(stranger).write.settle([id]), 'NotOperator');
  });

  it('refuses to settle, deposit or refund again after a refund', async () => {
    const { id } = await registerEscrow();
    await depositAs(alice, id, 0n);
    await ctx.mined(ctx.escrowAs(operator).write.refund([id]));

    await expectRevert(ctx.escrowAs(operator).write.settle([id]), 'WrongStatus', [Status.Refunded]);
    await expectRevert(ctx.escrowAs(bob).write.deposit([id, 1n]), 'WrongStatus', [Status.Refunded]);
    await expectRevert(ctx.escrowAs(operator).write.refund([id]), 'WrongStatus', [Status.Refunded]);
  });

  it('refunds the other legs when one token refuses its transfer, and lets anyone claim that leg later', async () => {
    const deployer = createWalletClient({ chain: foundry, transport: http(ctx.rpcUrl), account: operator });
    const hash = await deployer.deployContract({ abi: freezableTokenAbi, bytecode: freezableTokenBytecode });
    const frozenToken = (await ctx.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    const token = getContract({ address: frozenToken, abi: freezableTokenAbi, client: { public: ctx.publicClient, wallet: deployer } });
    const asAlice = getContract({ address: frozenToken, abi: freezableTokenAbi, client: { public: ctx.publicClient, wallet: createWalletClient({ chain: foundry, transport: http(ctx.rpcUrl), account: alice }) } });
    await ctx.mined(token.write.mint([alice.address, ASSET_AMOUNT]));
    await ctx.mined(asAlice.write.approve([ctx.escrow, ASSET_AMOUNT]));

    const id = escrowIdFor(randomUUID());
    const legs = [
      { token: frozenToken, depositor: alice.address, recipient: bob.address, amount: ASSET_AMOUNT },
      { token: ctx.usdc, depositor: bob.address, recipient: alice.address, amount: USDC_AMOUNT },
    ];
    await ctx.mined(ctx.escrowAs(operator).write.register([id, legs, (await now()) + 3600n]));
    await depositAs(alice, id, 0n);
    const bobBefore = await ctx.tokenAs(ctx.usdc, bob).read.balanceOf([bob.address]);
    await depositAs(bob, id, 1n);
    await ctx.mined(token.write.setFrozen([true]));

    // The token's own error (not in the escrow's ABI) bubbles up: settle cannot proceed.
    await expect(ctx.escrowAs(operator).write.settle([id])).rejects.toBeInstanceOf(BaseError);
    const receipt = await ctx.mined(ctx.escrowAs(operator).write.refund([id]));
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: receipt.logs, eventName: 'LegRefunded' }).map((l) => l.args.legIndex)).toEqual([1n]);
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: receipt.logs, eventName: 'LegRefundFailed' }).map((l) => l.args.legIndex)).toEqual([0n]);
    expect(await ctx.tokenAs(ctx.usdc, bob).read.balanceOf([bob.address])).toBe(bobBefore);
    expect(await ctx.escrowAs(stranger).read.refundOwed([id, 0n])).toBe(true);

    await expect(ctx.escrowAs(stranger).write.claimRefund([id, 0n])).rejects.toBeInstanceOf(BaseError);
    expect(await ctx.escrowAs(stranger).read.refundOwed([id, 0n])).toBe(true);
    await ctx.mined(token.write.setFrozen([false]));
    await ctx.mined(ctx.escrowAs(stranger).write.claimRefund([id, 0n]));
    expect(await token.read.balanceOf([alice.address])).toBe(ASSET_AMOUNT);
    await expectRevert(ctx.escrowAs(stranger).write.claimRefund([id, 0n]), 'NothingOwed');
    await expectRevert(ctx.escrowAs(stranger).write.claimRefund([id, 1n]), 'NothingOwed');
  });

  it('closes an escrow with no deposits on refund', async () => {
    const { id } = await registerEscrow();
    const receipt = await ctx.mined(ctx.escrowAs(operator).write.refund([id]));
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: receipt.logs, eventName: 'LegRefunded' })).toHaveLength(0);
    expect(parseEventLogs({ abi: lockstepEscrowAbi, logs: receipt.logs, eventName: 'Refunded' })).toHaveLength(1);
    expect(await statusOf(id)).toBe(Status.Refunded);
  });

  it('rejects operations on an unknown escrow', async () => {
    const id = escrowIdFor(randomUUID());
    await expectRevert(ctx.escrowAs(alice).write.deposit([id, 0n]), 'WrongStatus', [Status.None]);
    await expectRevert(ctx.escrowAs(operator).write.refund([id]), 'WrongStatus', [Status.None]);
  });

  it("hands over the operator role only at the operator's request", async () => {
    await expectRevert(ctx.escrowAs(stranger).write.setOperator([stranger.address]), 'NotOperator');
    await ctx.mined(ctx.escrowAs(operator).write.setOperator([stranger.address]));
    expect(await ctx.escrowAs(operator).read.operator()).toBe(stranger.address);
    await expectRevert(ctx.escrowAs(operator).write.register([escrowIdFor(randomUUID()), termsFor(), (await now()) + 60n]), 'NotOperator');
  });
});
