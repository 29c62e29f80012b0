import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, getContract, http, type Address, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTokenAbi } from '../contracts/generated/DemoToken.ts';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow.ts';
import { startAnvil } from '../stack/anvil.ts';
import { freePort } from '../stack/ports.ts';
import type { ManagedProcess } from '../stack/process.ts';
import { createChain, type Chain } from './client.ts';
import { deployContracts } from './deploy.ts';
import type { EscrowLegTerms } from './escrow.ts';
import { escrowIdFor } from './escrowId.ts';
import { estimateSettlementGas, type SettlementRun } from './settlementGas.ts';

const MNEMONIC = 'test test test test test test test test test test test junk';
const deployer = mnemonicToAccount(MNEMONIC, { addressIndex: 0 });
const operator = mnemonicToAccount(MNEMONIC, { addressIndex: 1 });
const seller = mnemonicToAccount(MNEMONIC, { addressIndex: 2 });
const buyer = mnemonicToAccount(MNEMONIC, { addressIndex: 3 });

let anvil: ManagedProcess;
let chain: Chain;
let rpcUrl: string;
let tokens: { asset: Address; usdc: Address };

beforeAll(async () => {
  const port = await freePort();
  anvil = await startAnvil({ port, logFile: join(tmpdir(), `lockstep-anvil-${port}.log`) });
  rpcUrl = `http://127.0.0.1:${port}`;
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport, cacheTime: 0 });
  const walletClient = createWalletClient({ chain: foundry, transport, account: deployer });
  const deployed = await deployContracts({ walletClient, publicClient, operator: operator.address });
  tokens = { asset: deployed.assetToken, usdc: deployed.usdc };
  const mint = async (token: Address, to: Address, amount: bigint) =>
    publicClient.waitForTransactionReceipt({ hash: await getContract({ address: token, abi: demoTokenAbi, client: walletClient }).write.mint([to, amount]) });
  await mint(tokens.asset, seller.address, 10n ** 20n);
  await mint(tokens.usdc, buyer.address, 10n ** 9n);
  chain = createChain({ chainId: foundry.id, rpcUrl, escrowAddress: deployed.escrow, escrowDeployBlock: 0n });
});

afterAll(async () => {
  await anvil?.stop();
});

/** The seller's asset against the buyer's dollars, with both approvals needed. */
function dvp(assetAmount = 10n ** 18n): SettlementRun {
  const legs: EscrowLegTerms[] = [
    { token: tokens.asset, depositor: seller.address, recipient: buyer.address, amount: assetAmount },
    { token: tokens.usdc, depositor: buyer.address, recipient: seller.address, amount: 100_000_000n },
  ];
  return {
    escrowId: escrowIdFor(randomUUID()),
    legs,
    deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
    approvals: legs.map((l, leg) => ({ leg, depositor: l.depositor, token: l.token, amount: l.amount })),
  };
}

describe('estimateSettlementGas', () => {
  it('estimates register and the approvals, and simulates the deposits, the swap and the refund after them', async () => {
    const run = dvp();
    const estimates = await estimateSettlementGas(chain, run);
    expect(estimates.map((e) => [e.step, e.from, e.leg, e.method])).toEqual([
      ['register', operator.address, null, 'eth_estimateGas'],
      ['approve', seller.address, 0, 'eth_estimateGas'],
      ['approve', buyer.address, 1, 'eth_estimateGas'],
      ['deposit', seller.address, 0, 'eth_simulateV1'],
      ['deposit', buyer.address, 1, 'eth_simulateV1'],
      ['settle', operator.address, null, 'eth_simulateV1'],
      ['refund', operator.address, null, 'eth_simulateV1'],
    ]);
    for (const e of estimates) expect(e.gas).toBeGreaterThan(21_000n);

    // The figures are what the transactions then cost on the chain: a simulated deposit's gas
    // used is a real one's; an estimate is at least what the transaction uses.
    const send = async (account: typeof seller, address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[]) => {
      const wallet = createWalletClient({ chain: foundry, transport: http(rpcUrl), account });
      const hash: Hex = await wallet.writeContract({ address, abi: abi as never, functionName: functionName, args: args });
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
      expect(receipt.status).toBe('success');
      return receipt.gasUsed;
    };
    const used = [
      await send(operator, chain.escrowAddress, lockstepEscrowAbi, 'register', [run.escrowId, run.legs, run.deadline]),
      await send(seller, tokens.asset, demoTokenAbi, 'approve', [chain.escrowAddress, run.legs[0]!.amount]),
      await send(buyer, tokens.usdc, demoTokenAbi, 'approve', [chain.escrowAddress, run.legs[1]!.amount]),
      await send(seller, chain.escrowAddress, lockstepEscrowAbi, 'deposit', [run.escrowId, 0n]),
      await send(buyer, chain.escrowAddress, lockstepEscrowAbi, 'deposit', [run.escrowId, 1n]),
      await send(operator, chain.escrowAddress, lockstepEscrowAbi, 'settle', [run.escrowId]),
    ];
    used.forEach((gas, i) => {
      const e = estimates[i]!;
      if (e.method === 'eth_estimateGas') expect(e.gas).toBeGreaterThanOrEqual(gas);
      else expect(e.gas).toBe(gas);
    });
  });

  it("names what would revert: a depositor short of the amount, and the swap that then lacks its leg", async () => {
    const estimates = await estimateSettlementGas(chain, dvp(10n ** 30n));
    const byStep = (step: string, leg: number | null = null) => estimates.find((e) => e.step === step && e.leg === leg)!;
    expect(byStep('deposit', 0)).toMatchObject({ gas: null, method: null, note: expect.stringMatching(/would revert after the transactions before it: ERC20InsufficientBalance/) });
    expect(byStep('deposit', 1).method).toBe('eth_simulateV1');
    expect(byStep('settle')).toMatchObject({ gas: null, note: expect.stringMatching(/NotAllDeposited/) });
    // A refund needs no leg in: it still goes through.
    expect(byStep('refund').method).toBe('eth_simulateV1');
  });

  it('names terms the escrow refuses at registration', async () => {
    const run = { ...dvp(), deadline: 1n };
    const estimates = await estimateSettlementGas(chain, run);
    expect(estimates[0]).toMatchObject({ step: 'register', gas: null, note: 'would revert now: InvalidTerms' });
  });
});
