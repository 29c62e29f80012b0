// Escrow activities. Each reads the contract before it acts and decides from what it
// reads afterwards, and a transaction sent by an earlier attempt is resumed from the
// heartbeat details rather than sent again, so retries never repeat an effect.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TransactionNotFoundError, TransactionReceiptNotFoundError, type Hex, type TransactionReceipt } from 'viem';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow.ts';
import { broadcast, requireOperator, signEscrowCall, writeEscrow, type Chain, type SignedTx } from '../chain/client.ts';
import { depositedLegs, legTerms, readEscrow, sameTerms, unpaidRefunds } from '../chain/escrow.ts';
import { describeRefusals, isPermissioned, permissionedLegs, permissionRefusals, type PermissionedLeg } from '../chain/erc3643.ts';
import { escrowIdFor } from '../chain/escrowId.ts';
import { revertReason } from '../chain/revert.ts';
import type { Db } from '../db/client.ts';
import { FailureType } from '../domain/errors.ts';

export interface EscrowDeps {
  db: Db;
  chain: Chain;
  confirmations: number;
  /** How long one attempt waits for a transaction to be mined before leaving it to the next attempt. */
  receiptWaitMs: number;
}

/**
 * Refusals of the swap by the contract (a revert, or a call that would revert), after which a
 * swap that keeps being refused while the escrow is open with every leg in rolls the
 * settlement back. Attempts that failed on an RPC error do not count: an unreachable node says
 * nothing about the swap. With the swap's retry policy (2 s doubling) that is about half a minute: enough for a race with another transaction to
 * pass, and at most this many reverted transactions paid for.
 */
const SWAP_REVERT_REFUSALS = 5;

/**
 * What an activity's earlier attempts left for the next one, kept in its heartbeat details:
 * the transaction it signed (kept before it was sent, so a crash in between cannot send a
 * second), and how often the contract refused the swap (RPC failures are not refusals).
 */
interface Progress {
  tx?: SignedTx;
  refusals?: number;
}

/** This attempt's view of its activity's progress; every change is heartbeated whole, so no field overwrites another. */
function progressOfActivity() {
  let progress: Progress = { ...(Context.current().info.heartbeatDetails as Progress | undefined) };
  return {
    get: (): Readonly<Progress> => progress,
    set(change: Partial<Progress>) {
      progress = { ...progress, ...change };
      Context.current().heartbeat(progress);
    },
    /** Heartbeats without a change: a slow block must not look like a dead activity. */
    beat: () => Context.current().heartbeat(progress),
  };
}
type ActivityProgress = ReturnType<typeof progressOfActivity>;

async function escrowTermsOf(db: Db, settlementId: string) {
  const s = await db.settlement.findUniqueOrThrow({ where: { id: settlementId }, include: { legs: { orderBy: { index: 'asc' } }, parties: true } });
  return {
    escrowId: escrowIdFor(settlementId),
    legs: legTerms(s.parties, s.legs),
    deadline: BigInt(Math.floor(s.timeoutAt.getTime() / 1000)),
    /** What the ERC-3643 checks read (permissionRefusals); legs of other standards are passed over. */
    permissioned: permissionedLegs(s.parties, s.legs),
  };
}

/**
 * What an ERC-3643 leg's token would refuse now (chain/erc3643.ts), as the reason a step gives
 * up with; undefined when it would allow every movement or the settlement has no such leg.
 */
async function permissionRefusal(chain: Chain, legs: PermissionedLeg[]): Promise<string | undefined> {
  if (!legs.some(isPermissioned)) return undefined;
  const refusals = await permissionRefusals(chain, legs);
  return refusals.length ? describeRefusals(refusals) : undefined;
}

export function escrowActivities({ db, chain, confirmations, receiptWaitMs }: EscrowDeps) {
  /**
   * The receipt of a transaction this activity signed, waiting for it to be mined. The
   * transaction is given up only when it can never be mined: the node does not know it and its
   * nonce is taken by another. A node that forgot it while its nonce is still free is sent the
   * same bytes again, which cannot make a second transaction. Undefined when it was replaced.
   */
  async function receiptOf(tx: SignedTx, progress: ActivityProgress): Promise<TransactionReceipt | undefined> {
    const started = Date.now();
    while (Date.now() - started < receiptWaitMs) {
      const receipt = await minedReceipt(tx.hash);
      if (receipt) return receipt;
      if (!(await isKnown(tx.hash))) {
        const nextNonce = await chain.publicClient.getTransactionCount({ address: requireOperator(chain).account.address, blockTag: 'latest' });
        if (nextNonce > tx.nonce) {
          // Mined in the meantime, or replaced by another transaction with its nonce.
          return (await minedReceipt(tx.hash)) ?? undefined;
        }
        await broadcast(chain, tx);
      }
      progress.beat();
      await Context.current().sleep(500);
    }
    throw ApplicationFailure.retryable(`transaction ${tx.hash} was not mined in ${receiptWaitMs / 1000} s; the next attempt waits for the same transaction`, FailureType.TransactionNotMined);
  }

  /** A receipt, or undefined while the transaction is not mined; an RPC failure is thrown, for the retry policy. */
  async function minedReceipt(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await chain.publicClient.getTransactionReceipt({ hash });
    } catch (err) {
      if (err instanceof TransactionReceiptNotFoundError) return undefined;
      throw err;
    }
  }

  async function isKnown(hash: Hex): Promise<boolean> {
    try {
      await chain.publicClient.getTransaction({ hash });
      return true;
    } catch (err) {
      if (err instanceof TransactionNotFoundError) return false;
      throw err;
    }
  }

  /**
   * Sends an operator transaction once per activity, across attempts: it is signed and kept in
   * the heartbeat details before it is sent, and a retry waits for that transaction instead of
   * sending another. Only once it is mined, or can never be, may a later attempt sign a new one.
   */
  async function sendOnce(functionName: 'settle' | 'refund', escrowId: Hex, progress: ActivityProgress): Promise<TransactionReceipt> {
    let tx = progress.get().tx;
    if (!tx) {
      tx = await signEscrowCall(chain, functionName, [escrowId]);
      progress.set({ tx });
      await broadcast(chain, tx);
    }
    const receipt = await receiptOf(tx, progress);
    // Mined or replaced, this transaction is done with: the next attempt re-reads the escrow first.
    progress.set({ tx: undefined });
    if (!receipt) throw ApplicationFailure.retryable(`${functionName} transaction ${tx.hash} was replaced by another with its nonce`, FailureType.TransactionReplaced);
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
    if (!log) throw ApplicationFailure.retryable(`escrow ${escrowId} is settled but its Settled log is not visible yet`, FailureType.LogMissing);
    return { txHash: log.transactionHash, blockNumber: log.blockNumber.toString() };
  }

  return {
    async registerEscrow({ settlementId }: { settlementId: string }) {
      const terms = await escrowTermsOf(db, settlementId);
      const summary = { chain_id: chain.chainId, contract_address: chain.escrowAddress, escrow_id: terms.escrowId };
      const current = await readEscrow(chain, terms.escrowId);
      if (current.status !== 'None') {
        if (sameTerms(current.legs, terms.legs) && current.deadline === terms.deadline) return { outcome: 'registered' as const, ...summary, tx_hash: null };
        throw ApplicationFailure.nonRetryable(`escrow ${terms.escrowId} exists with other terms`, FailureType.EscrowConflict);
      }
      // The contract refuses a deadline that has passed; no retry would change that.
      const head = await chain.publicClient.getBlock();
      if (head.timestamp >= terms.deadline) {
        return { outcome: 'deadline_passed' as const, ...summary, reason: 'timeout_at passed before the escrow was registered' };
      }
      // A permissioned token that would refuse a deposit or the payout: roll back before anyone deposits.
      const refused = await permissionRefusal(chain, terms.permissioned);
      if (refused) return { outcome: 'refused' as const, ...summary, reason: refused };
      const txHash = await writeEscrow(chain, 'register', [terms.escrowId, terms.legs, terms.deadline]);
      // Registering identical terms twice is a no-op on-chain, so a retry may simply send again.
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: txHash, timeout: receiptWaitMs });
      const after = await readEscrow(chain, terms.escrowId);
      if (after.status === 'None') throw ApplicationFailure.retryable(`register transaction ${txHash} did not register the escrow`, FailureType.TransactionReverted);
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
      const progress = progressOfActivity();
      const before = await readEscrow(chain, escrowId);
      if (before.status === 'Settled') return { outcome: 'settled', ...(await settledTxOf(escrowId)) };
      if (before.status !== 'Registered') return { outcome: 'not_settled', reason: `escrow is ${before.status}` };
      if (depositedLegs(before).length !== before.legs.length) return { outcome: 'not_settled', reason: 'not every leg is deposited' };
      if (!progress.get().tx) {
        if ((await chain.publicClient.getBlock()).timestamp > before.deadline) return { outcome: 'not_settled', reason: 'the on-chain deadline has passed' };
        // A permissioned token that would refuse the payout (a receiver no longer verified, a wallet
        // frozen, the token paused): the swap would revert; the rollback refunds with the rule.
        const refused = await permissionRefusal(chain, (await escrowTermsOf(db, settlementId)).permissioned);
        if (refused) return { outcome: 'not_settled', reason: refused };
      }
      let failure: string;
      try {
        const receipt = await sendOnce('settle', escrowId, progress);
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
        const refused = revertReason(err);
        if (!refused) throw err; // the RPC, not the contract: the retry policy handles it
        failure = `settle refused: ${refused}`;
      }
      // Open, every leg in, and yet refused: a race with another transaction, or a token paused
      // for a moment, may pass, so try a few times before unwinding a complete settlement; never
      // past the deadline, read from the chain now (not from a heartbeat that may be stale).
      const refusals = (progress.get().refusals ?? 0) + 1;
      progress.set({ refusals });
      const head = await chain.publicClient.getBlock();
      if (head.timestamp <= before.deadline && refusals < SWAP_REVERT_REFUSALS) {
        throw ApplicationFailure.retryable(`${failure}; the escrow is open with every leg deposited, trying again`, FailureType.SwapRefused);
      }
      return { outcome: 'not_settled', reason: `${failure}; escrow is Registered` };
    },

    /** Waits until the swap's block is `confirmations` deep and the escrow still reads Settled. */
    async awaitFinality({ settlementId, txHash }: { settlementId: string; txHash: string }): Promise<{ blockNumber: string; confirmations: number }> {
      const escrowId = escrowIdFor(settlementId);
      for (;;) {
        const receipt = await chain.publicClient.getTransactionReceipt({ hash: txHash as Hex }).catch(() => undefined);
        if (!receipt) throw ApplicationFailure.retryable(`swap transaction ${txHash} is not in the chain`, FailureType.ReceiptMissing);
        if (receipt.status !== 'success') throw ApplicationFailure.nonRetryable(`swap transaction ${txHash} reverted after a reorg`, FailureType.SwapReverted);
        const depth = Number((await chain.publicClient.getBlockNumber()) - receipt.blockNumber) + 1;
        Context.current().heartbeat({ depth });
        if (depth >= confirmations) {
          const escrow = await readEscrow(chain, escrowId);
          if (escrow.status !== 'Settled') throw ApplicationFailure.nonRetryable(`escrow ${escrowId} is ${escrow.status} after the swap`, FailureType.SwapReverted);
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
          throw ApplicationFailure.nonRetryable(`escrow ${escrowId} is already settled; it cannot be refunded`, FailureType.EscrowAlreadySettled);
        case 'Registered': {
          const receipt = await sendOnce('refund', escrowId, progressOfActivity());
          const after = await readEscrow(chain, escrowId);
          if (after.status === 'Refunded') return refunded(receipt.transactionHash);
          if (after.status === 'Settled') throw ApplicationFailure.nonRetryable(`escrow ${escrowId} settled before the refund`, FailureType.EscrowAlreadySettled);
          throw ApplicationFailure.retryable(`refund transaction ${receipt.transactionHash} reverted`, FailureType.TransactionReverted);
        }
      }
    },
  };
}
