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
  type EncodeFunctionDataParameters,
  encodeFunctionData,
  keccak256,
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

/** An operator transaction signed before it is sent, so its hash and nonce can be kept first. */
export interface SignedTx {
  hash: Hex;
  nonce: number;
  raw: Hex;
}

/**
 * Signs an operator call to the escrow with half again its gas estimate. The estimate is exact
 * for the state it was made against; a deposit, payout or refund of another settlement landing
 * first can make the same call dearer (a balance going from zero to non-zero costs 17,100 gas
 * more), and an exact limit would then run out. Unused gas is not charged. A call that would
 * revert fails here, with the contract's error decoded. The nonce comes from the operator's
 * nonce manager, so concurrent activities never share one.
 */
export async function signEscrowCall<const F extends ContractFunctionName<typeof lockstepEscrowAbi, 'nonpayable'>>(
  chain: Chain,
  functionName: F,
  args: ContractFunctionArgs<typeof lockstepEscrowAbi, 'nonpayable', F>,
): Promise<SignedTx> {
  const operator = requireOperator(chain);
  const call = { address: chain.escrowAddress, abi: lockstepEscrowAbi, functionName, args, account: operator.account };
  const estimate = await chain.publicClient.estimateContractGas(call as EstimateContractGasParameters);
  const request = await operator.prepareTransactionRequest({
    account: operator.account,
    chain: operator.chain,
    to: chain.escrowAddress,
    data: encodeFunctionData({ abi: lockstepEscrowAbi, functionName, args } as EncodeFunctionDataParameters),
    gas: estimate + estimate / 2n,
    nonceManager: operator.account.nonceManager,
  });
  const raw = await operator.signTransaction(request);
  return { hash: keccak256(raw), nonce: request.nonce, raw };
}

/**
 * Hands a signed transaction to the node. The same bytes sent again are the same transaction,
 * so this may be repeated safely. When the node refuses it, the nonce manager forgets its count
 * and reads the chain again, so that one refused nonce does not hold back every later one.
 */
export async function broadcast(chain: Chain, tx: SignedTx): Promise<void> {
  const operator = requireOperator(chain);
  try {
    await chain.publicClient.sendRawTransaction({ serializedTransaction: tx.raw });
  } catch (err) {
    operator.account.nonceManager?.reset({ address: operator.account.address, chainId: chain.chainId });
    throw err;
  }
}

/** Signs and sends an operator call to the escrow (see signEscrowCall), for calls that may safely be sent again. */
export async function writeEscrow<const F extends ContractFunctionName<typeof lockstepEscrowAbi, 'nonpayable'>>(
  chain: Chain,
  functionName: F,
  args: ContractFunctionArgs<typeof lockstepEscrowAbi, 'nonpayable', F>,
): Promise<Hex> {
  const tx = await signEscrowCall(chain, functionName, args);
  await broadcast(chain, tx);
  return tx.hash;
}
