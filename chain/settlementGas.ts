// The gas of every transaction a settlement will send, before it exists: the operator's
// register, settle and refund, and each depositor's approve and deposit. What can be asked of the
// chain as it is now (register, approve) is asked with eth_estimateGas. A deposit, the swap and
// the refund revert until the escrow is registered (and the deposits made), so they cannot be
// estimated alone; they are run with eth_simulateV1 after the transactions that come before
// them, in order, on top of the latest block, and their gas used is reported. Nothing is signed
// or sent: simulated calls need no key, and nothing they do outlives the RPC call.

import { erc20Abi, type Abi, type Address, type Hex } from 'viem';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow.ts';
import type { Chain } from './client.ts';
import type { EscrowLegTerms } from './escrow.ts';
import { erc20ErrorsAbi, revertReason } from './revert.ts';

export type GasStep = 'register' | 'approve' | 'deposit' | 'settle' | 'refund';

export interface GasEstimate {
  step: GasStep;
  /** Who sends it: the escrow's operator or the leg's depositor. */
  from: Address;
  /** The leg a deposit pays in; for an approve, the first leg it covers. */
  leg: number | null;
  gas: bigint | null;
  /** How `gas` was found; null when it was not. */
  method: 'eth_estimateGas' | 'eth_simulateV1' | null;
  /** Why there is no figure, or what it assumes. */
  note: string | null;
}

/** What a settlement's run will send: its escrow's terms, and the approvals its depositors lack. */
export interface SettlementRun {
  escrowId: Hex;
  legs: EscrowLegTerms[];
  deadline: bigint;
  approvals: { leg: number; depositor: Address; token: Address; amount: bigint }[];
}

// The escrow's errors with the tokens' that its SafeERC20 passes on, so a refusal is named.
const escrowAbi: Abi = [...lockstepEscrowAbi, ...erc20ErrorsAbi];
const tokenAbi: Abi = [...erc20Abi, ...erc20ErrorsAbi];

interface Tx {
  step: GasStep;
  from: Address;
  leg: number | null;
  to: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

export async function estimateSettlementGas(chain: Chain, run: SettlementRun): Promise<GasEstimate[]> {
  const { publicClient } = chain;
  const operator = await publicClient.readContract({ address: chain.escrowAddress, abi: lockstepEscrowAbi, functionName: 'operator' });
  const escrowCall = (step: GasStep, from: Address, leg: number | null, functionName: string, args: readonly unknown[]): Tx => ({ step, from, leg, to: chain.escrowAddress, abi: escrowAbi, functionName, args });
  const register = escrowCall('register', operator, null, 'register', [run.escrowId, run.legs, run.deadline]);
  const approvals = run.approvals.map((a): Tx => ({ step: 'approve', from: a.depositor, leg: a.leg, to: a.token, abi: tokenAbi, functionName: 'approve', args: [chain.escrowAddress, a.amount] }));
  const deposits = run.legs.map((l, i) => escrowCall('deposit', l.depositor, i, 'deposit', [run.escrowId, BigInt(i)]));
  const settle = escrowCall('settle', operator, null, 'settle', [run.escrowId]);
  const refund = escrowCall('refund', operator, null, 'refund', [run.escrowId]);

  const estimated = (tx: Tx) =>
    publicClient.estimateContractGas({ account: tx.from, address: tx.to, abi: tx.abi, functionName: tx.functionName, args: tx.args }).then(
      (gas): GasEstimate => ({ ...sent(tx), gas, method: 'eth_estimateGas', note: null }),
      (err: unknown): GasEstimate => failed(tx, err),
    );
  // The swap and the refund are two endings of the same run, simulated apart.
  const prefix = [register, ...approvals, ...deposits];
  const [estimates, swapRun, refundRun] = await Promise.all([
    Promise.all([register, ...approvals].map(estimated)),
    simulated(chain, [...prefix, settle]),
    simulated(chain, [...prefix, refund]),
  ]);
  return [...estimates, ...swapRun.slice(prefix.length - deposits.length), refundRun.at(-1)!];
}

const sent = (tx: Tx) => ({ step: tx.step, from: tx.from, leg: tx.leg });

/** A refusal is a figure the caller needs to see (the transaction would revert now); an RPC failure is thrown. */
function failed(tx: Tx, err: unknown): GasEstimate {
  const reason = revertReason(err);
  if (reason === undefined) throw err;
  return { ...sent(tx), gas: null, method: null, note: `would revert now: ${reason}` };
}

/** Each transaction's gas used when all of them run in order in one simulated block; a node without eth_simulateV1 gives none. */
async function simulated(chain: Chain, txs: Tx[]): Promise<GasEstimate[]> {
  let blocks;
  try {
    blocks = await chain.publicClient.simulateBlocks({
      blocks: [{ calls: txs.map((tx) => ({ account: tx.from, to: tx.to, abi: tx.abi, functionName: tx.functionName, args: tx.args })) }],
      validation: false,
    });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    return txs.map((tx) => ({ ...sent(tx), gas: null, method: null, note: `not estimated: it needs the escrow registered first, and the node did not simulate the run (eth_simulateV1): ${reason}` }));
  }
  return blocks[0]!.calls.map((call, i) => {
    const tx = txs[i]!;
    if (call.status === 'success') return { ...sent(tx), gas: call.gasUsed, method: 'eth_simulateV1', note: 'gas used when run after the transactions before it' };
    return { ...sent(tx), gas: null, method: null, note: `would revert after the transactions before it: ${revertReason(call.error) ?? call.error.message.split('\n')[0]}` };
  });
}
