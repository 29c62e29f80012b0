// Typed reads of the escrow contract and the calls a depositor must send.

import { encodeFunctionData, erc20Abi, type Address, type Hex } from 'viem';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow';
import type { Chain } from './client';

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

/** The approval (only when the allowance falls short) and the deposit for one leg. */
export async function depositCalls(chain: Chain, escrowId: Hex, legIndex: number, leg: EscrowLegTerms): Promise<PreparedCall[]> {
  const allowance = await chain.publicClient.readContract({
    address: leg.token,
    abi: erc20Abi,
    functionName: 'allowance',
    args: [leg.depositor, chain.escrowAddress],
  });
  const base = { chain_id: chain.chainId, from: leg.depositor, value: '0' as const };
  const approve: PreparedCall = {
    ...base,
    step: 'approve',
    to: leg.token,
    data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [chain.escrowAddress, leg.amount] }),
  };
  const deposit: PreparedCall = {
    ...base,
    step: 'deposit',
    to: chain.escrowAddress,
    data: encodeFunctionData({ abi: lockstepEscrowAbi, functionName: 'deposit', args: [escrowId, BigInt(legIndex)] }),
  };
  return allowance >= leg.amount ? [deposit] : [approve, deposit];
}
