// Sends the deposit transactions the API prepares, as a wallet would: no ABI, just
// {to, data, value} signed by the depositor's key over JSON-RPC.

import { createPublicClient, createWalletClient, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { PreparedCall } from '../chain/escrow.ts';

export type { PreparedCall };

export async function sendPreparedCalls(rpcUrl: string, privateKey: Hex, calls: PreparedCall[]): Promise<Hex[]> {
  const account = privateKeyToAccount(privateKey);
  const chainId = calls[0]?.chain_id ?? 1;
  const chain = { id: chainId, name: `chain-${chainId}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } };
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });
  // viem polls every 4 s by default: a receipt that just missed the first look would cost the
  // demo, the tests and the benchmark 4 s that no part of Lockstep spends.
  const reader = createPublicClient({ chain, transport: http(rpcUrl), cacheTime: 0, pollingInterval: 250 });
  const hashes: Hex[] = [];
  for (const call of calls) {
    if (call.from.toLowerCase() !== account.address.toLowerCase()) throw new Error(`call is for ${call.from}, key is ${account.address}`);
    // Headroom over the estimate, as wallets give: concurrent deposits into the same escrow can
    // make this one dearer between estimate and inclusion (see writeEscrow in chain/client.ts).
    const estimate = await reader.estimateGas({ account, to: call.to, data: call.data, value: BigInt(call.value) });
    const hash = await wallet.sendTransaction({ to: call.to, data: call.data, value: BigInt(call.value), gas: estimate + estimate / 2n });
    const receipt = await reader.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') {
      // Why: the same call against the state it met (one transaction per block on anvil).
      const why = await reader
        .call({ account, to: call.to, data: call.data, value: BigInt(call.value), blockNumber: receipt.blockNumber - 1n })
        .then(() => 'it succeeds when simulated alone', (err: Error) => err.message.split('\n')[0]);
      throw new Error(`${call.step} transaction ${hash} reverted: ${why}`);
    }
    hashes.push(hash);
  }
  return hashes;
}
