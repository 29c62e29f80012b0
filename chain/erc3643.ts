// What an ERC-3643 (T-REX) token will allow a settlement's legs to do, read from the chain: the
// same conditions its transfer checks, asked before anything moves. A leg's deposit moves its
// token from the depositor to the escrow and the swap from the escrow to the receiver; T-REX
// refuses either while the token is paused, when a wallet on either side is frozen, when the
// receiver is not verified in the token's identity registry, or when its compliance contract's
// canTransfer says no. Checked at create time (a 422), before the escrow is registered and
// before the swap (a rollback with the rule in the trail).

import { BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError, getAddress, parseAbi, type Address } from 'viem';
import type { Chain } from './client.ts';

/** The part of ERC-3643's token, identity registry and compliance interfaces the checks read. */
export const erc3643Abi = parseAbi([
  'function identityRegistry() view returns (address)',
  'function compliance() view returns (address)',
  'function paused() view returns (bool)',
  'function isFrozen(address wallet) view returns (bool)',
  'function isVerified(address wallet) view returns (bool)',
  'function canTransfer(address from, address to, uint256 amount) view returns (bool)',
]);

/** The rules a leg can break, as a 422's `type` and the trail name them. */
export type PermissionRule = 'not_erc3643' | 'token_paused' | 'wallet_frozen' | 'not_verified' | 'transfer_not_compliant';

export interface PermissionRefusal {
  /** The leg's index in the settlement. */
  leg: number;
  /** The party's role, or "escrow" for the escrow contract. */
  party: string;
  rule: PermissionRule;
  message: string;
}

/** One leg of a settlement as the checks see it. */
export interface PermissionedLeg {
  index: number;
  tokenStandard: string;
  token: Address;
  from: { role: string; wallet: Address };
  to: { role: string; wallet: Address };
  amount: bigint;
}

export const isPermissioned = (leg: { tokenStandard: string }) => leg.tokenStandard === 'erc3643';

/** The contract answered "no such function" or reverted: it is no ERC-3643 token. */
const notAnswered = (err: unknown) =>
  err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionRevertedError || e instanceof ContractFunctionZeroDataError) !== null;

/**
 * Every rule each ERC-3643 leg breaks, in leg order; none for ERC-20 legs. An RPC failure is
 * thrown (callers decide whether that is a 503 or a retry), never taken for a refusal.
 */
export async function permissionRefusals(chain: Chain, legs: readonly PermissionedLeg[]): Promise<PermissionRefusal[]> {
  const perLeg = await Promise.all(legs.filter(isPermissioned).map((leg) => refusalsOf(chain, leg)));
  return perLeg.flat();
}

async function refusalsOf(chain: Chain, leg: PermissionedLeg): Promise<PermissionRefusal[]> {
  const { publicClient } = chain;
  const abi = erc3643Abi;
  const escrow = { role: 'escrow', wallet: getAddress(chain.escrowAddress) };
  const refusal = (party: string, rule: PermissionRule, message: string): PermissionRefusal => ({ leg: leg.index, party, rule, message: `leg ${leg.index}: ${message}` });

  let registry: Address;
  let compliance: Address;
  try {
    [registry, compliance] = await Promise.all([
      publicClient.readContract({ address: leg.token, abi, functionName: 'identityRegistry' }),
      publicClient.readContract({ address: leg.token, abi, functionName: 'compliance' }),
    ]);
  } catch (err) {
    if (notAnswered(err)) return [refusal(leg.from.role, 'not_erc3643', `token ${leg.token} does not answer identityRegistry() and compliance(): it is not an ERC-3643 token`)];
    throw err;
  }
  const who = (p: { role: string; wallet: Address }) => (p.role === 'escrow' ? `the escrow contract ${p.wallet}` : `party "${p.role}" (${p.wallet})`);
  const [paused, frozen, verified, deposit, payout] = await Promise.all([
    publicClient.readContract({ address: leg.token, abi, functionName: 'paused' }),
    Promise.all([leg.from, escrow, leg.to].map((p) => publicClient.readContract({ address: leg.token, abi, functionName: 'isFrozen', args: [p.wallet] }))),
    // Whoever receives must be verified: the escrow receives the deposit, the receiver the payout.
    Promise.all([escrow, leg.to].map((p) => publicClient.readContract({ address: registry, abi, functionName: 'isVerified', args: [p.wallet] }))),
    publicClient.readContract({ address: compliance, abi, functionName: 'canTransfer', args: [leg.from.wallet, escrow.wallet, leg.amount] }),
    publicClient.readContract({ address: compliance, abi, functionName: 'canTransfer', args: [escrow.wallet, leg.to.wallet, leg.amount] }),
  ]);
  const refusals: PermissionRefusal[] = [];
  if (paused) refusals.push(refusal(leg.from.role, 'token_paused', `token ${leg.token} is paused: no transfer of it can happen`));
  [leg.from, escrow, leg.to].forEach((p, i) => {
    if (frozen[i]) refusals.push(refusal(p.role, 'wallet_frozen', `${who(p)} is frozen by token ${leg.token}'s agent`));
  });
  [escrow, leg.to].forEach((p, i) => {
    if (!verified[i]) refusals.push(refusal(p.role, 'not_verified', `${who(p)} is not verified in token ${leg.token}'s identity registry ${registry}`));
  });
  if (!deposit) refusals.push(refusal(leg.from.role, 'transfer_not_compliant', `compliance contract ${compliance} refuses the deposit of party "${leg.from.role}" into the escrow (canTransfer)`));
  if (!payout) refusals.push(refusal(leg.to.role, 'transfer_not_compliant', `compliance contract ${compliance} refuses the payout to party "${leg.to.role}" (canTransfer)`));
  return refusals;
}

/** The settlement's legs as the checks see them, from its stored parties and legs. */
export function permissionedLegs(
  parties: readonly { role: string; walletAddress: string }[],
  legs: readonly { index: number; tokenStandard: string; tokenAddress: string; fromRole: string; toRole: string; amount: string }[],
): PermissionedLeg[] {
  const wallet = (role: string) => {
    const party = parties.find((p) => p.role === role);
    if (!party) throw new Error(`no party with role ${role}`);
    return { role, wallet: getAddress(party.walletAddress) };
  };
  return legs.map((l) => ({
    index: l.index,
    tokenStandard: l.tokenStandard,
    token: getAddress(l.tokenAddress),
    from: wallet(l.fromRole),
    to: wallet(l.toRole),
    amount: BigInt(l.amount),
  }));
}

/** One line for the trail and a rollback's reason. */
export const describeRefusals = (refusals: readonly PermissionRefusal[]) =>
  `ERC-3643 check failed: ${refusals.map((r) => `${r.message} [${r.rule}]`).join('; ')}`;
