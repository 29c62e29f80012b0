// The deposit listener against the real chain and database: confirmation depth,
// once-only recording, and a reorg that removes a recorded deposit.

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createPublicClient, createWalletClient, http, maxUint256, parseUnits, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChain } from '../../chain/client.ts';
import { deployContracts } from '../../chain/deploy.ts';
import { escrowIdFor } from '../../chain/escrowId.ts';
import { createLogger } from '../../config/logger.ts';
import { demoTokenAbi } from '../../contracts/generated/DemoToken.ts';
import { lockstepEscrowAbi } from '../../contracts/generated/LockstepEscrow.ts';
import { createDb, type Db } from '../../db/client.ts';
import { DepositListener } from '../../listeners/depositListener.ts';
import { stackContext } from '../support/services.ts';

const { manifest } = stackContext();
const transport = http(manifest.chain.rpc_url);
const publicClient = createPublicClient({ chain: foundry, transport, cacheTime: 0 });
const operator = createWalletClient({ chain: foundry, transport, account: privateKeyToAccount(manifest.wallets.operator.private_key) });
const buyer = createWalletClient({ chain: foundry, transport, account: privateKeyToAccount(manifest.wallets.buyer.private_key) });
const CONFIRMATIONS = 3;

let db: Db;
let connection: Connection;
let listener: DepositListener;
let escrow: Address;
let token: Address;

const mined = async (hash: Promise<Hex>) => publicClient.waitForTransactionReceipt({ hash: await hash });
const mine = (blocks: number) => publicClient.request({ method: 'anvil_mine' as never, params: [`0x${blocks.toString(16)}`] as never });

async function registerAndDeposit(): Promise<{ settlementId: string; blockNumber: bigint; txHash: Hex }> {
  const settlementId = randomUUID();
  const id = escrowIdFor(settlementId);
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const legs = [{ token, depositor: buyer.account.address, recipient: manifest.wallets.seller.address, amount: parseUnits('10', 6) }];
  await mined(operator.writeContract({ address: escrow, abi: lockstepEscrowAbi, functionName: 'register', args: [id, legs, deadline] }));
  const receipt = await mined(buyer.writeContract({ address: escrow, abi: lockstepEscrowAbi, functionName: 'deposit', args: [id, 0n] }));
  return { settlementId, blockNumber: receipt.blockNumber, txHash: receipt.transactionHash };
}

const depositLogs = (settlementId: string) => db.chainLog.findMany({ where: { settlementId, eventName: 'Deposited' }, orderBy: { createdAt: 'asc' } });

beforeAll(async () => {
  db = createDb(manifest.database_url);
  connection = await Connection.connect({ address: manifest.temporal.address });
  // A contract of its own, so this test's cursor and logs are independent of the other tests'.
  const startBlock = (await publicClient.getBlockNumber()) + 1n;
  const deployed = await deployContracts({ walletClient: operator, publicClient, operator: operator.account.address });
  escrow = deployed.escrow;
  token = deployed.usdc;
  await mined(operator.writeContract({ address: token, abi: demoTokenAbi, functionName: 'mint', args: [buyer.account.address, parseUnits('1000', 6)] }));
  await mined(buyer.writeContract({ address: token, abi: demoTokenAbi, functionName: 'approve', args: [escrow, maxUint256] }));
  listener = new DepositListener({
    db,
    chain: createChain({ chainId: manifest.chain.chain_id, rpcUrl: manifest.chain.rpc_url, escrowAddress: escrow, escrowDeployBlock: startBlock }),
    temporal: new Client({ connection }),
    log: createLogger('listener-test', 'error'),
    confirmations: CONFIRMATIONS,
  });
});

afterAll(async () => {
  await connection?.close();
  await db?.$disconnect();
});

describe('deposit listener', () => {
  it('records a deposit only once it is confirmations deep, and only once', async () => {
    const { settlementId } = await registerAndDeposit();
    await listener.poll();
    expect(await depositLogs(settlementId)).toHaveLength(0);
    await mine(CONFIRMATIONS - 1);
    await listener.poll();
    await listener.poll();
    const logs = await depositLogs(settlementId);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ removed: false, eventName: 'Deposited' });
    expect(logs[0]!.signaledAt).not.toBeNull();
  });

  it('rewinds past a reorg that removed a recorded deposit, and records the replacement', async () => {
    const { settlementId, blockNumber } = await registerAndDeposit();
    await mine(CONFIRMATIONS);
    await listener.poll();
    expect(await depositLogs(settlementId)).toHaveLength(1);

    const head = await publicClient.getBlockNumber();
    await publicClient.request({ method: 'anvil_reorg' as never, params: [Number(head - blockNumber) + 1, []] as never });
    await listener.poll();
    const afterReorg = await depositLogs(settlementId);
    expect(afterReorg).toHaveLength(1);
    expect(afterReorg[0]!.removed).toBe(true);

    // The depositor sends again; the new log is recorded beside the removed one.
    // Another tip than the first, so the replacement is another transaction (the same nonce, fee
    // and data would give the same hash, and then it is the same log back, not a replacement).
    const again = await mined(
      buyer.writeContract({ address: escrow, abi: lockstepEscrowAbi, functionName: 'deposit', args: [escrowIdFor(settlementId), 0n], maxPriorityFeePerGas: 7_777_777n }),
    );
    await mine(CONFIRMATIONS);
    await listener.poll();
    const logs = await depositLogs(settlementId);
    expect(logs.map((l) => [l.txHash, l.removed])).toEqual([
      [afterReorg[0]!.txHash, true],
      [again.transactionHash, false],
    ]);
  });
});
