// What the chaos run checks once everything has settled: each settlement against its
// scenario's expectation, in the database, in Temporal and on the chain; the audit trails;
// the deposits; conservation of every token unit; and the webhooks the receiver got.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { decodeFunctionData, erc20Abi, type Address, type Hex, type PublicClient } from 'viem';
import { lockstepEscrowAbi } from '../../contracts/generated/LockstepEscrow.ts';
import { verifyTrail } from '../../db/auditTrail.ts';
import type { Db } from '../../db/client.ts';
import type { Manifest } from '../../stack/manifest.ts';
import type { Received } from '../../test/support/receiver.ts';
import { eventNamesFor } from '../../webhooks/events.ts';
import { workflowIdFor } from '../../workflows/names.ts';
import type { SettlementWorkflowResult } from '../../workflows/settlement.ts';
import type { EscrowStatus, Scenario } from './scenarios.ts';

const ESCROW_STATUS: EscrowStatus[] = ['None', 'Registered', 'Settled', 'Refunded'];

export interface Driven {
  id: string;
  scenario: Scenario;
}

export interface CheckDeps {
  db: Db;
  temporal: Client;
  chain: PublicClient;
  manifest: Manifest;
  /** Every wallet's balance of every demo token before the first settlement. */
  balancesBefore: Balances;
  received: Received[];
}

/** `${wallet}:${token}` → base units. */
export type Balances = Map<string, bigint>;

export function demoHolders(manifest: Manifest): { wallets: Address[]; tokens: Address[] } {
  return {
    wallets: [manifest.wallets.seller.address, manifest.wallets.buyer.address, manifest.wallets.operator.address, manifest.chain.escrow_address],
    tokens: Object.values(manifest.chain.tokens).map((t) => t.address),
  };
}

export async function readBalances(chain: PublicClient, manifest: Manifest): Promise<Balances> {
  const { wallets, tokens } = demoHolders(manifest);
  const out: Balances = new Map();
  for (const token of tokens) {
    for (const wallet of wallets) {
      out.set(`${wallet}:${token}`.toLowerCase(), await chain.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [wallet] }));
    }
  }
  return out;
}

/** Each settlement against its expectation; returns one line per violation. */
export async function checkSettlement(deps: CheckDeps, { id, scenario }: Driven): Promise<string[]> {
  const { db, temporal, chain, manifest } = deps;
  const expected = scenario.expected;
  const violations: string[] = [];
  const fail = (what: string) => violations.push(`${scenario.name} ${id}: ${what}`);

  const row = await db.settlement.findUniqueOrThrow({ where: { id }, include: { legs: { orderBy: { index: 'asc' } } } });
  if (row.state !== expected.state) fail(`database state ${row.state}, expected ${expected.state} (${row.failureReason ?? 'no reason'})`);
  const handle = temporal.workflow.getHandle(workflowIdFor(id));
  const described = await handle.describe();
  if (described.status.name !== 'COMPLETED') fail(`workflow ${described.status.name}, expected COMPLETED`);
  else {
    const result = (await handle.result()) as SettlementWorkflowResult;
    if (result.state !== expected.state) fail(`workflow ended ${result.state}, expected ${expected.state}`);
  }

  const events = await db.settlementEvent.findMany({ where: { settlementId: id }, orderBy: { sequence: 'asc' } });
  const trail = events.map((e) => e.toState);
  if (trail.join(' ') !== expected.trail.join(' ')) fail(`trail ${trail.join(' → ')}, expected ${expected.trail.join(' → ')}`);
  const verdict = verifyTrail(events);
  if (!verdict.valid) fail(`audit trail broken at ${verdict.first_broken.sequence}: ${verdict.first_broken.reason}`);
  events.forEach((e, i) => {
    const before = i === 0 ? null : events[i - 1]!.toState;
    if (e.fromState !== before) fail(`event ${e.sequence} leaves ${e.fromState}, but the settlement was in ${before}`);
  });

  // Deposits: what the listener recorded as in the chain, per leg, and what the legs say.
  const logs = await db.chainLog.findMany({ where: { settlementId: id, eventName: 'Deposited', removed: false } });
  for (const leg of row.legs) {
    const counted = logs.filter((l) => Number((l.args as { legIndex: string }).legIndex) === leg.index);
    const want = expected.depositedLegs.includes(leg.index) ? 1 : 0;
    if (counted.length !== want) fail(`leg ${leg.index} has ${counted.length} deposits counted, expected ${want}`);
    if (want && counted[0] && leg.depositTxHash !== counted[0].txHash) fail(`leg ${leg.index} names deposit ${leg.depositTxHash}, the chain's is ${counted[0].txHash}`);
    if (!want && leg.depositTxHash) fail(`leg ${leg.index} names a deposit ${leg.depositTxHash} that should not exist`);
  }
  const [status] = await chain.readContract({ address: manifest.chain.escrow_address, abi: lockstepEscrowAbi, functionName: 'getEscrow', args: [row.escrowId as `0x${string}`] });
  if (ESCROW_STATUS[status] !== expected.escrow) fail(`escrow ${ESCROW_STATUS[status]}, expected ${expected.escrow}`);

  // Webhooks: every event of the trail queued, delivered, and first received in the order it happened.
  const queued = await db.webhookEvent.findMany({ where: { settlementId: id }, orderBy: { seq: 'asc' }, include: { deliveries: true } });
  const owed = events.flatMap((e) => eventNamesFor({ fromState: e.fromState, toState: e.toState, triggeredBy: e.triggeredBy, payload: e.payload as Record<string, unknown> }));
  if (queued.map((q) => q.type).join(' ') !== owed.join(' ')) fail(`webhook events ${queued.map((q) => q.type).join(', ')}, expected ${owed.join(', ')}`);
  const undelivered = queued.filter((q) => q.deliveries.some((d) => d.status !== 'delivered'));
  if (undelivered.length) fail(`${undelivered.length} webhook events not delivered (${undelivered.map((q) => q.type).join(', ')})`);
  const firstArrivals: string[] = [];
  for (const r of deps.received) if (r.json.data.settlement_id === id && !firstArrivals.includes(r.json.id)) firstArrivals.push(r.json.id);
  const want = queued.map((q) => q.id);
  if (firstArrivals.join(' ') !== want.join(' ')) {
    const missing = want.filter((w) => !firstArrivals.includes(w)).length;
    fail(missing ? `receiver is missing ${missing} of ${want.length} webhook events` : 'receiver got the webhook events out of order');
  }
  return violations;
}

/**
 * Conservation: the escrow holds nothing once every settlement is terminal, and each wallet's
 * balance moved by exactly what the swapped settlements' legs moved, no unit made or lost.
 */
export async function checkConservation(deps: CheckDeps, driven: Driven[]): Promise<string[]> {
  const { db, chain, manifest } = deps;
  const expected = new Map(deps.balancesBefore);
  const wallet = (role: string) => manifest.wallets[role as 'seller' | 'buyer'].address;
  for (const { id, scenario } of driven) {
    if (!scenario.expected.swapped) continue;
    for (const leg of await db.leg.findMany({ where: { settlementId: id } })) {
      const from = `${wallet(leg.fromRole)}:${leg.tokenAddress}`.toLowerCase();
      const to = `${wallet(leg.toRole)}:${leg.tokenAddress}`.toLowerCase();
      expected.set(from, expected.get(from)! - BigInt(leg.amount));
      expected.set(to, expected.get(to)! + BigInt(leg.amount));
    }
  }
  const after = await readBalances(chain, manifest);
  const violations: string[] = [];
  for (const [key, want] of expected) {
    const got = after.get(key)!;
    if (got !== want) violations.push(`conservation: ${key} holds ${got}, expected ${want} (off by ${got - want})`);
  }
  return violations;
}

/**
 * The operator's transactions, block by block since `fromBlock`: each escrow registered, settled
 * or refunded by at most one transaction, and none of them reverted. Two workers signing with
 * one key would show here as a second transaction for one step, or a reverted one.
 */
export async function checkOperatorTransactions(deps: Pick<CheckDeps, 'chain' | 'manifest'>, fromBlock: bigint): Promise<{ transactions: number; violations: string[] }> {
  const { chain, manifest } = deps;
  const operator = manifest.wallets.operator.address.toLowerCase();
  const escrow = manifest.chain.escrow_address.toLowerCase();
  const seen = new Map<string, Hex[]>();
  const violations: string[] = [];
  const head = await chain.getBlockNumber();
  let transactions = 0;
  for (let n = fromBlock; n <= head; n++) {
    const block = await chain.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) {
      if (tx.from.toLowerCase() !== operator || tx.to?.toLowerCase() !== escrow) continue;
      transactions += 1;
      const { functionName, args } = decodeFunctionData({ abi: lockstepEscrowAbi, data: tx.input });
      const step = `${functionName} of escrow ${String(args?.[0])}`;
      seen.set(step, [...(seen.get(step) ?? []), tx.hash]);
      const receipt = await chain.getTransactionReceipt({ hash: tx.hash });
      if (receipt.status !== 'success') violations.push(`operator transaction ${tx.hash} (${step}) reverted`);
    }
  }
  for (const [step, hashes] of seen) if (hashes.length > 1) violations.push(`${step} was sent ${hashes.length} times: ${hashes.join(', ')}`);
  return { transactions, violations };
}

/** A worker that had to resend under another nonce, or saw its nonce taken: what two signers racing would log. */
export function nonceErrors(logDir: string): string[] {
  return readdirSync(logDir)
    .filter((f) => /^worker(-\d+)?\.log$/.test(f))
    .flatMap((f) =>
      readFileSync(join(logDir, f), 'utf8')
        .split('\n')
        .filter((line) => /nonce too (low|high)|replacement transaction underpriced/i.test(line))
        .map((line) => `${f}: ${line.slice(0, 300)}`),
    );
}
