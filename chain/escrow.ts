// Typed reads of the escrow contract and the calls a depositor must send.

import { encodeFunctionData, erc20Abi, getAddress, prepareEncodeFunctionData, type Address, type Hex } from 'viem';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow.ts';
import type { Chain } from './client.ts';

export const ESCROW_STATUS = ['None', 'Registered', 'Settled', 'Refunded'] as const;
export type EscrowStatus = (typeof ESCROW_STATUS)[number];

export interface EscrowLegTerms {
  token: Address;
  depositor: Address;
  recipient: Address;
  amount: bigint;
}

export interface EscrowState {
  status: EscrowStatus;
  deadline: bigint;
  legs: (EscrowLegTerms & { deposited: boolean })[];
}

export async function readEscrow(chain: Chain, escrowId: Hex): Promise<EscrowState> {
  const [status, deadline, , legs] = await chain.publicClient.readContract({
    address: chain.escrowAddress,
    abi: lockstepEscrowAbi,
    functionName: 'getEscrow',
    args: [escrowId],
  });
  return { status: ESCROW_STATUS[status] ?? 'None', deadline, legs: legs.map((l) => ({ ...l })) };
}

/** The escrow terms of a settlement's legs: who pays each into escrow and who receives it. */
export function legTerms(
  parties: { role: string; walletAddress: string }[],
  legs: { tokenAddress: string; fromRole: string; toRole: string; amount: string }[],
): EscrowLegTerms[] {
  const wallet = (role: string) => {
    const party = parties.find((p) => p.role === role);
    if (!party) throw new Error(`no party with role ${role}`);
    return getAddress(party.walletAddress);
  };
  return legs.map((l) => ({ token: getAddress(l.tokenAddress), depositor: wallet(l.fromRole), recipient: wallet(l.toRole), amount: BigInt(l.amount) }));
}

export function depositedLegs(escrow: EscrowState): number[] {
  return escrow.legs.flatMap((l, i) => (l.deposited ? [i] : []));
}

/** Deposited legs whose refund transfer failed; `claimRefund` pays them once the token allows. */
export async function unpaidRefunds(chain: Chain, escrowId: Hex, legs: number[]): Promise<number[]> {
  const owed = await Promise.all(
    legs.map((i) =>
      chain.publicClient.readContract({ address: chain.escrowAddress, abi: lockstepEscrowAbi, functionName: 'refundOwed', args: [escrowId, BigInt(i)] }),
    ),
  );
  return legs.filter((_, k) => owed[k]);
}

export function sameTerms(a: EscrowLegTerms[], b: EscrowLegTerms[]): boolean {
  const key = (l: EscrowLegTerms) => `${l.token.toLowerCase()}|${l.depositor.toLowerCase()}|${l.recipient.toLowerCase()}|${l.amount}`;
  return a.length === b.length && a.every((leg, i) => key(leg) === key(b[i]!));
}

/** A transaction a wallet or custody system can sign and send as it is. */
export interface PreparedCall {
  step: 'approve' | 'deposit';
  chain_id: number;
  from: Address;
  to: Address;
  data: Hex;
  value: '0';
}

/** What the escrow may take of a depositor's token now. */
export function allowanceOf(chain: Chain, depositor: Address, token: Address): Promise<bigint> {
  return chain.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'allowance', args: [depositor, chain.escrowAddress] });
}

/** What a depositor holds of a token now. */
export function balanceOf(chain: Chain, holder: Address, token: Address): Promise<bigint> {
  return chain.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [holder] });
}

// Prepared once: encodeFunctionData given a function's name hashes its signature on every call,
// and a page of settlements awaiting deposits prepares two calls for each of their legs.
const approveCall = prepareEncodeFunctionData({ abi: erc20Abi, functionName: 'approve' });
const depositCall = prepareEncodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'deposit' });

/** The approval that lets the escrow take `amount` of a depositor's token (it sets the allowance, it does not add to it). */
export function approvalCall(chain: Chain, depositor: Address, token: Address, amount: bigint): PreparedCall {
  return { step: 'approve', chain_id: chain.chainId, from: depositor, to: token, data: encodeFunctionData({ ...approveCall, args: [chain.escrowAddress, amount] }), value: '0' };
}

/**
 * The approval and the deposit for one leg. `required` is what the depositor still owes the
 * escrow in this token across all its pending legs, so approving it covers each of them; the
 * approval is left out when the allowance (allowanceOf) already covers it.
 */
export function depositCalls(chain: Chain, escrowId: Hex, legIndex: number, leg: EscrowLegTerms, required: bigint, allowance: bigint): PreparedCall[] {
  const deposit: PreparedCall = {
    step: 'deposit',
    chain_id: chain.chainId,
    from: leg.depositor,
    to: chain.escrowAddress,
    data: encodeFunctionData({ ...depositCall, args: [escrowId, BigInt(legIndex)] }),
    value: '0',
  };
  return allowance >= required ? [deposit] : [approvalCall(chain, leg.depositor, leg.token, required), deposit];
}
