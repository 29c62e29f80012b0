// Follows the escrow contract's logs and signals settlement workflows.
//
// A getLogs poller rather than a filter subscription: filters are lost when a node
// restarts and never report reorgs. The cursor (block number and hash) lives in
// PostgreSQL, so a restarted listener resumes where it stopped; only blocks
// `confirmations` deep are read; a cursor whose block hash changed means a reorg,
// and the listener rewinds and re-reads. Logs are recorded once by (chain id, tx
// hash, log index) and signalled until the signal is acknowledged, so a crash
// between the two repeats a signal (which the workflow ignores) but never loses one.

import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { BlockNotFoundError, parseEventLogs, type Hex } from 'viem';
import type { Chain } from '../chain/client.ts';
import { ForeignEscrowId, settlementUuidFromEscrowId } from '../chain/escrowId.ts';
import type { Logger } from '../config/logger.ts';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow.ts';
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { depositSignal, workflowIdFor } from '../workflows/names.ts';

export interface ListenerDeps {
  db: Db;
  chain: Chain;
  temporal: Client;
  log: Logger;
  confirmations: number;
  /** How far to rewind when the cursor's block was reorged away. */
  reorgRewind?: bigint;
  maxBlockRange?: bigint;
}

export class DepositListener {
  private readonly contract: string;
  private readonly reorgRewind: bigint;
  private readonly maxRange: bigint;

  constructor(private readonly deps: ListenerDeps) {
    this.contract = deps.chain.escrowAddress.toLowerCase();
    this.reorgRewind = deps.reorgRewind ?? 64n;
    this.maxRange = deps.maxBlockRange ?? 2000n;
  }

  /** Reads what is newly confirmed, records it and signals; returns how many logs were recorded. */
  async poll(): Promise<number> {
    try {
      return await this.read();
    } finally {
      await this.signalPending(); // also after a failed read: what is recorded must still be delivered
    }
  }

  private async read(): Promise<number> {
    const { db, chain } = this.deps;
    const cursor = await this.cursor();
    const head = await chain.publicClient.getBlockNumber();
    const safe = head - BigInt(Math.max(0, this.deps.confirmations - 1));
    let from = cursor.blockNumber + 1n;

    if (cursor.blockHash && (await this.hashAt(cursor.blockNumber)) !== cursor.blockHash) {
      from = await this.rewind(cursor.blockNumber);
    }
    let recorded = 0;
    if (from <= safe) {
      const to = from + this.maxRange - 1n < safe ? from + this.maxRange - 1n : safe;
      const toHash = await this.hashAt(to);
      const logs = await chain.publicClient.getLogs({ address: chain.escrowAddress, fromBlock: from, toBlock: to });
      // A reorg between the two reads could pair logs of one fork with the other's hash: read again next time.
      if (!toHash || (await this.hashAt(to)) !== toHash) return 0;
      const events = parseEventLogs({ abi: lockstepEscrowAbi, logs, strict: true });
      await db.$transaction(async (tx) => {
        for (const event of events) {
          const id = (event.args as { id: Hex }).id;
          const settlementId = safeUuid(id);
          const created = await tx.chainLog.createMany({
            data: [
              {
                chainId: chain.chainId,
                txHash: event.transactionHash,
                logIndex: event.logIndex,
                blockNumber: event.blockNumber,
                blockHash: event.blockHash,
                contractAddress: this.contract,
                eventName: event.eventName,
                settlementId,
                args: JSON.parse(JSON.stringify(event.args, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Prisma.InputJsonObject,
              },
            ],
            skipDuplicates: true,
          });
          if (created.count === 0) {
            // Seen before, e.g. re-read after a rewind: it is in the chain again.
            await tx.chainLog.update({
              where: { chainId_txHash_logIndex: { chainId: chain.chainId, txHash: event.transactionHash, logIndex: event.logIndex } },
              data: { removed: false, blockNumber: event.blockNumber, blockHash: event.blockHash },
            });
          }
          if (event.eventName === 'Deposited' && settlementId) {
            await tx.leg.updateMany({
              where: { settlementId, index: Number(event.args.legIndex) },
              data: { depositTxHash: event.transactionHash, depositLogIndex: event.logIndex, depositedAt: new Date() },
            });
          }
          recorded += created.count;
        }
        await tx.chainCursor.upsert({
          where: { chainId_contractAddress: { chainId: chain.chainId, contractAddress: this.contract } },
          create: { chainId: chain.chainId, contractAddress: this.contract, blockNumber: to, blockHash: toHash },
          update: { blockNumber: to, blockHash: toHash },
        });
      });
    }
    return recorded;
  }

  /** The canonical hash at a height, or undefined where the chain no longer reaches; other RPC errors throw. */
  private async hashAt(blockNumber: bigint): Promise<string | undefined> {
    try {
      return (await this.deps.chain.publicClient.getBlock({ blockNumber })).hash;
    } catch (err) {
      if (err instanceof BlockNotFoundError) return undefined;
      throw err;
    }
  }

  /** Runs until `signal` aborts; a failed poll is logged and retried on the next tick. */
  async run(pollMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const recorded = await this.poll();
        if (recorded) this.deps.log.info('escrow logs recorded', { recorded });
      } catch (err) {
        this.deps.log.error('poll failed', { error: err instanceof Error ? err.message : String(err) });
      }
      await sleep(pollMs, undefined, { signal }).catch(() => undefined); // aborted: leave the loop
    }
  }

  private async cursor(): Promise<{ blockNumber: bigint; blockHash: string | null }> {
    const row = await this.deps.db.chainCursor.findUnique({
      where: { chainId_contractAddress: { chainId: this.deps.chain.chainId, contractAddress: this.contract } },
    });
    return row ?? { blockNumber: this.deps.chain.escrowDeployBlock - 1n, blockHash: null };
  }

  /** Marks logs above the rewind point as removed and un-deposits their legs; they return if re-read. */
  private async rewind(reorgedAt: bigint): Promise<bigint> {
    const { db, chain, log } = this.deps;
    const from = reorgedAt > this.reorgRewind ? reorgedAt - this.reorgRewind : 0n;
    log.warn('reorg detected; rewinding', { reorgedAt, from });
    await db.$transaction(async (tx) => {
      const gone = await tx.chainLog.findMany({
        where: { chainId: chain.chainId, contractAddress: this.contract, blockNumber: { gte: from }, removed: false },
      });
      await tx.chainLog.updateMany({
        where: { chainId: chain.chainId, contractAddress: this.contract, blockNumber: { gte: from } },
        data: { removed: true, signaledAt: null },
      });
      for (const l of gone.filter((g) => g.eventName === 'Deposited' && g.settlementId)) {
        await tx.leg.updateMany({
          where: { settlementId: l.settlementId!, depositTxHash: l.txHash, depositLogIndex: l.logIndex },
          data: { depositTxHash: null, depositLogIndex: null, depositedAt: null },
        });
      }
    });
    return from;
  }

  private async signalPending(): Promise<void> {
    const { db, chain, temporal, log } = this.deps;
    const pending = await db.chainLog.findMany({
      where: { chainId: chain.chainId, contractAddress: this.contract, eventName: 'Deposited', removed: false, signaledAt: null },
      orderBy: [{ blockNumber: 'asc' }, { logIndex: 'asc' }],
      take: 500,
    });
    for (const l of pending) {
      const args = l.args as { legIndex: string };
      if (l.settlementId) {
        try {
          await temporal.workflow.getHandle(workflowIdFor(l.settlementId)).signal(depositSignal, {
            legIndex: Number(args.legIndex),
            chainId: l.chainId,
            txHash: l.txHash,
            logIndex: l.logIndex,
          });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) {
            // Left unmarked, so it is tried again next poll; the other logs go on meanwhile.
            log.error('signal failed; will retry', { settlementId: l.settlementId, txHash: l.txHash, error: String(err) });
            continue;
          }
          // A deposit into an escrow no workflow owns (or one already closed) has nobody to tell.
          log.warn('deposit for a settlement without a running workflow', { settlementId: l.settlementId, txHash: l.txHash });
        }
      }
      await db.chainLog.update({
        where: { chainId_txHash_logIndex: { chainId: l.chainId, txHash: l.txHash, logIndex: l.logIndex } },
        data: { signaledAt: new Date() },
      });
    }
  }
}

function safeUuid(escrowId: Hex): string | null {
  try {
    return settlementUuidFromEscrowId(escrowId);
  } catch (err) {
    if (err instanceof ForeignEscrowId) return null;
    throw err;
  }
}
