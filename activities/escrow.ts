// Escrow activities. Each re-reads the contract before it acts, so a retry after a
// crash or a lost receipt observes what already happened instead of repeating it.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { getAddress, type Hex } from 'viem';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow';
import { requireOperator, type Chain } from '../chain/client';
import { readEscrow, sameTerms, type EscrowLegTerms } from '../chain/escrow';
import type { Db } from '../db/client';

export interface EscrowDeps {
  db: Db;
  chain: Chain;
  confirmations: number;
}

async function escrowTermsOf(db: Db, settlementId: string) {
  const s = await db.settlement.findUniqueOrThrow({ where: { id: settlementId }, include: { legs: { orderBy: { index: 'asc' } }, parties: true } });
  const wallet = (role: string) => getAddress(s.parties.find((p) => p.role === role)!.walletAddress);
  const legs: EscrowLegTerms[] = s.legs.map((l) => ({
    token: getAddress(l.tokenAddress),
    depositor: wallet(l.fromRole),
    recipient: wallet(l.toRole),
    amount: BigInt(l.amount),
  }));
  return { escrowId: s.escrowId as Hex, legs, deadline: BigInt(Math.floor(s.timeoutAt.getTime() / 1000)) };
}

export function escrowActivities({ db, chain, confirmations }: EscrowDeps) {
  async function send(functionName: 'register' | 'settle' | 'refund', args: readonly unknown[]): Promise<{ txHash: Hex; blockNumber: string; success: boolean }> {
    const operator = requireOperator(chain);
    const txHash = await operator.writeContract({ address: chain.escrowAddress, abi: lockstepEscrowAbi, functionName, args } as never);
    Context.current().heartbeat({ txHash });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: txHash, timeout: 120_000 });
    return { txHash, blockNumber: receipt.blockNumber.toString(), success: receipt.status === 'success' };
  }

  return {
    async registerEscrow({ settlementId }: { settlementId: string }) {
      const terms = await escrowTermsOf(db, settlementId);
      const summary = { chain_id: chain.chainId, contract_address: chain.escrowAddress, escrow_id: terms.escrowId };
      const current = await readEscrow(chain, terms.escrowId);
      if (current.status !== 'None') {
        if (sameTerms(current.legs, terms.legs) && current.deadline === terms.deadline) return { ...summary, tx_hash: null };
        throw ApplicationFailure.nonRetryable(`escrow ${terms.escrowId} exists with other terms`, 'EscrowConflict');
      }
      const tx = await send('register', [terms.escrowId, terms.legs, terms.deadline]);
      if (!tx.success) throw ApplicationFailure.retryable(`register transaction ${tx.txHash} reverted`, 'TransactionReverted');
      return { ...summary, tx_hash: tx.txHash, block_number: tx.blockNumber };
    },

    /** Leg indexes the contract holds deposits for: the truth the workflow checks signals against. */
    async readDeposits({ settlementId }: { settlementId: string }): Promise<{ deposited: number[] }> {
      const { escrowId } = await escrowTermsOf(db, settlementId);
      const escrow = await readEscrow(chain, escrowId);
      return { deposited: escrow.legs.flatMap((l, i) => (l.deposited ? [i] : [])) };
    },

    async executeSwap({ settlementId }: { settlementId: string }): Promise<
      { outcome: 'settled'; txHash: string; blockNumber: string } | { outcome: 'not_settled'; reason: string }
    > {
      const { escrowId } = await escrowTermsOf(db, settlementId);
      const before = await readEscrow(chain, escrowId);
      if (before.status === 'Settled') {
        const settled = await findSettledLog(chain, escrowId);
        return { outcome: 'settled', txHash: settled.txHash, blockNumber: settled.blockNumber };
      }
      if (before.status !== 'Registered') return { outcome: 'not_settled', reason: `escrow is ${before.status}` };
      if (before.legs.some((l) => !l.deposited)) return { outcome: 'not_settled', reason: 'not every leg is deposited' };
      const head = await chain.publicClient.getBlock();
      if (head.timestamp > before.deadline) return { outcome: 'not_settled', reason: 'the on-chain deadline has passed' };
      const tx = await send('settle', [escrowId]);
      if (tx.success) return { outcome: 'settled', txHash: tx.txHash, blockNumber: tx.blockNumber };
      const after = await readEscrow(chain, escrowId);
      return { outcome: 'not_settled', reason: `settle transaction reverted; escrow is ${after.status}` };
    },

    /** Waits until the swap's block is `confirmations` deep; a reorged-out receipt retries the wait. */
    async awaitFinality({ txHash }: { txHash: string }): Promise<{ blockNumber: string; confirmations: number }> {
      for (;;) {
        const receipt = await chain.publicClient.getTransactionReceipt({ hash: txHash as Hex }).catch(() => undefined);
        if (!receipt) throw ApplicationFailure.retryable(`swap transaction ${txHash} is not in the chain`, 'ReceiptMissing');
        const head = await chain.publicClient.getBlockNumber();
        const depth = Number(head - receipt.blockNumber) + 1;
        Context.current().heartbeat({ depth });
        if (depth >= confirmations) return { blockNumber: receipt.blockNumber.toString(), confirmations: depth };
        await Context.current().sleep(500);
      }
    },

    async refundEscrow({ settlementId }: { settlementId: string }): Promise<{ outcome: 'refunded' | 'not_registered'; txHash: string | null; refundedLegs: number[] }> {
      const { escrowId } = await escrowTermsOf(db, settlementId);
      const before = await readEscrow(chain, escrowId);
      const deposited = before.legs.flatMap((l, i) => (l.deposited ? [i] : []));
      switch (before.status) {
        case 'None':
          return { outcome: 'not_registered', txHash: null, refundedLegs: [] };
        case 'Refunded':
          return { outcome: 'refunded', txHash: null, refundedLegs: deposited };
        case 'Settled':
          throw ApplicationFailure.nonRetryable(`escrow ${escrowId} is already settled; it cannot be refunded`, 'EscrowAlreadySettled');
        case 'Registered': {
          const tx = await send('refund', [escrowId]);
          if (!tx.success) throw ApplicationFailure.retryable(`refund transaction ${tx.txHash} reverted`, 'TransactionReverted');
          return { outcome: 'refunded', txHash: tx.txHash, refundedLegs: deposited };
        }
      }
    },
  };
}

async function findSettledLog(chain: Chain, escrowId: Hex) {
  const logs = await chain.publicClient.getContractEvents({
    address: chain.escrowAddress,
    abi: lockstepEscrowAbi,
    eventName: 'Settled',
    args: { id: escrowId },
    fromBlock: 0n,
  });
  const log = logs.at(-1);
  if (!log) throw ApplicationFailure.retryable(`escrow ${escrowId} is settled but its Settled log is not visible yet`, 'LogMissing');
  return { txHash: log.transactionHash, blockNumber: log.blockNumber.toString() };
}
