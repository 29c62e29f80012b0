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
} from 'viem';
import { nonceManager, privateKeyToAccount } from 'viem/accounts';

export interface ChainSettings {
  chainId: number;
  rpcUrl: string;
  escrowAddress: Address;
  operatorPrivateKey?: Hex;
}

export interface Chain {
  chainId: number;
  escrowAddress: Address;
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
  return { chainId: settings.chainId, escrowAddress: settings.escrowAddress, publicClient, operator };
}

export function requireOperator(chain: Chain): NonNullable<Chain['operator']> {
  if (!chain.operator) throw new Error('this process has no OPERATOR_PRIVATE_KEY; only the worker signs escrow transactions');
  return chain.operator;
}
