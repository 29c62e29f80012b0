// One chain client per chain: a public client for reads and, where the process
// acts as the escrow operator, a wallet client with a nonce manager so concurrent
// activities never reuse a nonce.

import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
  type Account,
  type Chain as ViemChain,
  type Transport,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type EstimateContractGasParameters,
  type WriteContractParameters,
} from 'viem';
import { nonceManager, privateKeyToAccount } from 'viem/accounts';
import type { Config } from '../config/config.ts';
import { lockstepEscrowAbi } from '../contracts/generated/LockstepEscrow.ts';

export interface ChainSettings {
  chainId: number;
  rpcUrl: string;
  escrowAddress: Address;
  /** The block the escrow was deployed in: where log searches start. */
  escrowDeployBlock: bigint;
  operatorPrivateKey?: Hex;
}

export interface Chain {
  chainId: number;
  escrowAddress: Address;
  escrowDeployBlock: bigint;
  publicClient: PublicClient<Transport, ViemChain>;
  /** Present only in processes that sign as the escrow operator (the worker). */
  operator?: WalletClient<Transport, ViemChain, Account>;
}

export function createChain(settings: ChainSettings): Chain {
  const chain = defineChain({
    id: settings.chainId,
    name: `chain-${settings.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [settings.rpcUrl] } },
  });
  // cacheTime 0: pollers and confirmation checks must see the newest block, not a cached number.
  const transport = http(settings.rpcUrl, { retryCount: 3 });
  const publicClient = createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: 250 });
  const operator = settings.operatorPrivateKey
    ? createWalletClient({ chain, transport, account: privateKeyToAccount(settings.operatorPrivateKey, { nonceManager }) })
    : undefined;
  return { chainId: settings.chainId, escrowAddress: settings.escrowAddress, escrowDeployBlock: settings.escrowDeployBlock, publicClient, operator };
}

/** The configured chain; `asOperator` adds the signer, which only the worker holds. */
export function chainFromConfig(config: Pick<Config, 'CHAIN_ID' | 'RPC_URL' | 'ESCROW_ADDRESS' | 'ESCROW_DEPLOY_BLOCK' | 'OPERATOR_PRIVATE_KEY'>, asOperator = false): Chain {
  if (asOperator && !config.OPERATOR_PRIVATE_KEY) throw new Error('OPERATOR_PRIVATE_KEY is required: the worker signs escrow transactions');
  return createChain({
    chainId: config.CHAIN_ID,
    rpcUrl: config.RPC_URL,
    escrowAddress: config.ESCROW_ADDRESS as Address,
    escrowDeployBlock: BigInt(config.ESCROW_DEPLOY_BLOCK),
    operatorPrivateKey: asOperator ? (config.OPERATOR_PRIVATE_KEY as Hex) : undefined,
  });
}

export function requireOperator(chain: Chain): NonNullable<Chain['operator']> {
  if (!chain.operator) throw new Error('this process has no OPERATOR_PRIVATE_KEY; only the worker signs escrow transactions');
  return chain.operator;
}

/**
 * An operator call to the escrow, sent with half again its gas estimate. The estimate is exact
 * for the state it was made against; a deposit, payout or refund of another settlement landing
 * first can make the same call dearer (a balance going from zero to non-zero costs 17,100 gas
 * more), and an exact limit would then run out. Unused gas is not charged. A call that would
 * revert fails here, with the contract's error decoded.
 */
export async function writeEscrow<const F extends ContractFunctionName<typeof lockstepEscrowAbi, 'nonpayable'>>(
  chain: Chain,
  functionName: F,
  args: ContractFunctionArgs<typeof lockstepEscrowAbi, 'nonpayable', F>,
): Promise<Hex> {
  const operator = requireOperator(chain);
  const call = { address: chain.escrowAddress, abi: lockstepEscrowAbi, functionName, args, account: operator.account };
  const estimate = await chain.publicClient.estimateContractGas(call as EstimateContractGasParameters);
  return operator.writeContract({ ...call, chain: operator.chain, gas: estimate + estimate / 2n } as WriteContractParameters);
}
