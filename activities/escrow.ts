// Escrow activities. Each reads the contract before it acts and decides from what it
// reads afterwards, and a transaction sent by an earlier attempt is resumed from the
// heartbeat details rather than sent again, so retries never repeat an effect.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { BaseError, ContractFunctionRevertedError, type Hex, type TransactionReceipt } from 'viem';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow.ts';
import { writeEscrow, type Chain } from '../chain/client.ts';
import { depositedLegs, legTerms, readEscrow, sameTerms, unpaidRefunds } from '../chain/escrow.ts';
import { escrowIdFor } from '../chain/escrowId.ts';
import type { Db } from '../db/client.ts';

export interface EscrowDeps {
  db: Db;
  chain: Chain;
  confirmations: number;
}

const RECEIPT_WAIT_MS = 120_000;

/**
 * Attempts of the swap, counting its retries, after which a swap that keeps reverting while
 * the escrow is open with every leg in rolls the settlement back. With the swap's retry policy
 * (2 s doubling) that is about half a minute: enough for a race with another transaction to
 * pass, and at most this many reverted transactions paid for.
 */
const SWAP_REVERT_ATTEMPTS = 5;

/** The contract's refusal of a call (found when estimating it), as opposed to an RPC failure; in one line. */
function refusal(err: unknown): string | undefined {
  const revert = err instanceof BaseError ? err.walk((e) => e instanceof ContractFunctionRevertedError) : null;
  if (!(revert instanceof ContractFunctionRevertedError)) return undefined;
  return revert.data?.errorName ?? revert.reason ?? (revert.signature ? `error ${revert.signature}` : 'reverted');
}

/** A transaction an earlier attempt of this activity sent, kept in its heartbeat details. */
const pendingTx = () => (Context.current().info.heartbeatDetails as { txHash?: Hex } | undefined)?.txHash;

async function escrowTermsOf(db: Db, settlementId: string) {
  const s = await db.settlement.findUniqueOrThrow({ where: { id: settlementId }, include: { legs: { orderBy: { index: 'asc' } }, parties: true } });
  return { escrowId: escrowIdFor(settlementId), legs: legTerms(s.parties, s.legs), deadline: BigInt(Math.floor(s.timeoutAt.getTime() / 1000)) };
}

export function escrowActivities({ db, chain, confirmations }: EscrowDeps) {
  /** Polls for a receipt, heartbeating, so a slow block never looks like a dead activity. */
  async function receiptOf(txHash: Hex): Promise<TransactionReceipt | undefined> {
    const started = Date.now();
    while (Date.now() - started < RECEIPT_WAIT_MS) {
      const receipt = await chain.publicClient.getTransactionReceipt({ hash: txHash }).catch(() => undefined);
      if (receipt) return receipt;
      Context.current().heartbeat({ txHash });
      await Context.current().sleep(500);
    }
    return undefined;
  }

  /**
   * Sends an operator transaction once per activity, across attempts: the hash is kept in
   * the heartbeat details, and a retry waits for that transaction instead of sending another.
   */
  async function sendOnce(functionName: 'settle' | 'refund', escrowId: Hex): Promise<TransactionReceipt> {
    const txHash =
      pendingTx() ??
      (await writeEscrow(chain, functionName, [escrowId]));
    Context.current().heartbeat({ txHash });
    const receipt = await receiptOf(txHash);
    // Mined or dropped, this transaction is done with: the next attempt re-reads the escrow first.
    Context.current().heartbeat({ txHash: undefined });
    if (!receipt) throw ApplicationFailure.retryable(`${functionName} transaction ${txHash} was not mined in time`, 'TransactionNotMined');
    return receipt;
  }

  async function settledTxOf(escrowId: Hex): Promise<{ txHash: Hex; blockNumber: string }> {
    const logs = await chain.publicClient.getContractEvents({
      address: chain.escrowAddress,
      abi: lockstepEscrowAbi,
      eventName: 'Settled',
      args: { id: escrowId },
      fromBlock: chain.escrowDeployBlock,
    });
    const log = logs.at(-1);
    if (!log) throw ApplicationFailure.retryable(`escrow ${escrowId} is settled but its Settled log is not visible yet`, 'LogMissing');
    return { txHash: log.transactionHash, blockNumber: log.blockNumber.toString() };
  }

  return {
    async registerEscrow({ settlementId }: { settlementId: string }) {
      const terms = await escrowTermsOf(db, settlementId);
      const summary = { chain_id: chain.chainId, contract_address: chain.escrowAddress, escrow_id: terms.escrowId };
      const current = await readEscrow(chain, terms.escrowId);
      if (current.status !== 'None') {
        if (sameTerms(current.legs, terms.legs) && current.deadline === terms.deadline) return { outcome: 'registered' as const, ...summary, tx_hash: null };
        throw ApplicationFailure.nonRetryable(`escrow ${terms.escrowId} exists with other terms`, 'EscrowConflict');
      }
      // The contract refuses a deadline that has passed; no retry would change that.
      const head = await chain.publicClient.getBlock();
      if (head.timestamp >= terms.deadline) {
        return { outcome: 'deadline_passed' as const, ...summary, reason: 'timeout_at passed before the escrow was registered' };
      }
      const txHash = await writeEscrow(chain, 'register', [terms.escrowId, terms.legs, terms.deadline]);
      // Registering identical terms twice is a no-op on-chain, so a retry may simply send again.
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: txHash, timeout: RECEIPT_WAIT_MS });
      const after = await readEscrow(chain, terms.escrowId);
      if (after.status === 'None') throw ApplicationFailure.retryable(`register transaction ${txHash} did not register the escrow`, 'TransactionReverted');
      return { outcome: 'registered' as const, ...summary, tx_hash: txHash, block_number: receipt.blockNumber.toString() };
    },

    /** Leg indexes the contract holds deposits for: the truth the workflow checks signals against. */
    async readDeposits({ settlementId }: { settlementId: string }): Promise<{ deposited: number[] }> {
      const escrowId = escrowIdFor(settlementId);
      return { deposited: depositedLegs(await readEscrow(chain, escrowId)) };
    },

    async executeSwap({ settlementId }: { settlementId: string }): Promise<
      { outcome: 'settled'; txHash: string; blockNumber: string } | { outcome: 'not_settled'; reason: string }
    > {
      const escrowId = escrowIdFor(settlementId);
      const before = await readEscrow(chain, escrowId);
      if (before.status === 'Settled') return { outcome: 'settled', ...(await settledTxOf(escrowId)) };
      if (before.status !== 'Registered') return { outcome: 'not_settled', reason: `escrow is ${before.status}` };
      if (depositedLegs(before).length !== before.legs.length) return { outcome: 'not_settled', reason: 'not every leg is deposited' };
      if (!pendingTx() && (await chain.publicClient.getBlock()).timestamp > before.deadline) {
        return { outcome: 'not_settled', reason: 'the on-chain deadline has passed' };
      }
      let failure: string;
      try {
        const receipt = await sendOnce('settle', escrowId);
        // Decide by the escrow, not the receipt: a reverted duplicate may stand beside a settle that succeeded.
        const after = await readEscrow(chain, escrowId);
        if (after.status === 'Settled') {
          return receipt.status === 'success'
            ? { outcome: 'settled', txHash: receipt.transactionHash, blockNumber: receipt.blockNumber.toString() }
            : { outcome: 'settled', ...(await settledTxOf(escrowId)) };
        }
        if (after.status !== 'Registered' || depositedLegs(after).length !== after.legs.length) {
          return { outcome: 'not_settled', reason: `settle transaction ${receipt.transactionHash} reverted; escrow is ${after.status}` };
        }
        failure = `settle transaction ${receipt.transactionHash} reverted`;
      } catch (err) {
        const refused = refusal(err);
        if (!refused) throw err; // the RPC, not the contract: the retry policy handles it
        failure = `settle refused: ${refused}`;
      }
      // Open, every leg in, and yet refused: a race with another transaction, or a token paused
      // for a moment, may pass, so try a few times before unwinding a complete settlement; never
      // past the deadline, read from the chain now (not from a heartbeat that may be stale).
      const head = await chain.publicClient.getBlock();
      if (head.timestamp <= before.deadline && Context.current().info.attempt < SWAP_REVERT_ATTEMPTS) {
        throw ApplicationFailure.retryable(`${failure}; the escrow is open with every leg deposited, trying again`, 'SwapRefused');
      }
      return { outcome: 'not_settled', reason: `${failure}; escrow is Registered` };
    },

    /** Waits until the swap's block is `confirmations` deep and the escrow still reads Settled. */
    async awaitFinality({ settlementId, txHash }: { settlementId: string; txHash: string }): Promise<{ blockNumber: string; confirmations: number }> {
      const escrowId = escrowIdFor(settlementId);
      for (;;) {
        const receipt = await chain.publicClient.getTransactionReceipt({ hash: txHash as Hex }).catch(() => undefined);
        if (!receipt) throw ApplicationFailure.retryable(`swap transaction ${txHash} is not in the chain`, 'ReceiptMissing');
        if (receipt.status !== 'success') throw ApplicationFailure.nonRetryable(`swap transaction ${txHash} reverted after a reorg`, 'SwapReverted');
        const depth = Number((await chain.publicClient.getBlockNumber()) - receipt.blockNumber) + 1;
        Context.current().heartbeat({ depth });
        if (depth >= confirmations) {
          const escrow = await readEscrow(chain, escrowId);
          if (escrow.status !== 'Settled') throw ApplicationFailure.nonRetryable(`escrow ${escrowId} is ${escrow.status} after the swap`, 'SwapReverted');
          return { blockNumber: receipt.blockNumber.toString(), confirmations: depth };
        }
        await Context.current().sleep(500);
      }
    },

    /** `unpaidLegs`: deposits whose token refused the refund transfer; anyone can claim them later. */
    async refundEscrow({ settlementId }: { settlementId: string }): Promise<{
      outcome: 'refunded' | 'not_registered';
      txHash: string | null;
      refundedLegs: number[];
      unpaidLegs: number[];
    }> {
      const escrowId = escrowIdFor(settlementId);
      const before = await readEscrow(chain, escrowId);
      const deposited = depositedLegs(before);
      const refunded = async (txHash: string | null) => {
        const unpaidLegs = await unpaidRefunds(chain, escrowId, deposited);
        return { outcome: 'refunded' as const, txHash, refundedLegs: deposited.filter((i) => !unpaidLegs.includes(i)), unpaidLegs };
      };
      switch (before.status) {
        case 'None':
          return { outcome: 'not_registered', txHash: null, refundedLegs: [], unpaidLegs: [] };
        case 'Refunded':
          return refunded(null);
        case 'Settled':
          throw ApplicationFailure.nonRetryable(`escrow ${escrowId} is already settled; it cannot be refunded`, 'EscrowAlreadySettled');
        case 'Registered': {
          const receipt = await sendOnce('refund', escrowId);
          const after = await readEscrow(chain, escrowId);
          if (after.status === 'Refunded') return refunded(receipt.transactionHash);
          if (after.status === 'Settled') throw ApplicationFailure.nonRetryable(`escrow ${escrowId} settled before the refund`, 'EscrowAlreadySettled');
          throw ApplicationFailure.retryable(`refund transaction ${receipt.transactionHash} reverted`, 'TransactionReverted');
        }
      }
    },
  };
}
