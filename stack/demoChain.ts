// The chain every local stack starts with: the escrow and the demo tokens deployed by anvil's
// first account, which also operates the escrow, and the demo seller holding the asset and the
// demo buyer the dollars. The stack deploys it once per chain; tests that need only the chain
// deploy it on an anvil of their own (stack/anvil.ts, startScratchAnvil).

import { createPublicClient, createWalletClient, getAddress, http, parseUnits, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { anvil as anvilChain } from 'viem/chains';
import { deployContracts } from '../chain/deploy.ts';
import { demoTokenAbi } from '../contracts/generated/DemoToken.ts';
import { anvilKey } from './anvil.ts';
import type { Manifest } from './manifest.ts';

/** The demo wallets, as the manifest gives them to the processes and the demo. */
export const DEMO_WALLETS: Manifest['wallets'] = Object.fromEntries(
  (['operator', 'seller', 'buyer'] as const).map((role, index) => {
    const key = anvilKey(index);
    return [role, { address: privateKeyToAccount(key).address, private_key: key }];
  }),
) as Manifest['wallets'];

export const DEMO_FUNDING = { DEMO: '1000000', USDC: '100000000' } as const;

export type DemoChain = Omit<Manifest['chain'], 'rpc_url' | 'confirmations'>;

/** Deploys the escrow (operated by the demo operator) and the DEMO and USDC tokens, and funds the demo seller and buyer. */
export async function deployDemoChain(rpcUrl: string): Promise<DemoChain> {
  const publicClient = createPublicClient({ chain: anvilChain, transport: http(rpcUrl), cacheTime: 0 });
  const walletClient = createWalletClient({ chain: anvilChain, transport: http(rpcUrl), account: privateKeyToAccount(DEMO_WALLETS.operator.private_key) });
  const deployBlock = await publicClient.getBlockNumber();
  const deployed = await deployContracts({ walletClient, publicClient, operator: walletClient.account.address });
  const tokens = {
    DEMO: { address: deployed.assetToken, decimals: 18, name: 'Lockstep Demo Asset' },
    USDC: { address: deployed.usdc, decimals: 6, name: 'USD Coin (demo)' },
  };
  const mint = async (token: Address, to: Address, amount: bigint) => {
    const hash = await walletClient.writeContract({ address: token, abi: demoTokenAbi, functionName: 'mint', args: [to, amount] });
    await publicClient.waitForTransactionReceipt({ hash });
  };
  await mint(tokens.DEMO.address, DEMO_WALLETS.seller.address, parseUnits(DEMO_FUNDING.DEMO, 18));
  await mint(tokens.USDC.address, DEMO_WALLETS.buyer.address, parseUnits(DEMO_FUNDING.USDC, 6));
  return { chain_id: anvilChain.id, escrow_address: getAddress(deployed.escrow), deploy_block: Number(deployBlock), tokens };
}
