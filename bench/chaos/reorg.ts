// Removes one transaction from the chain with anvil_reorg, as a real reorg would, and keeps
// every other transaction of the replaced blocks: the worker's registrations and swaps and
// other settlements' deposits are re-included (the same signed bytes, so the same hashes),
// and only the one deposit is gone. Automine is paused meanwhile, so no block is mined between
// reading the head and replacing it.

import { createPublicClient, http, type Hex } from 'viem';

export async function reorgAway(rpcUrl: string, txHash: Hex): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl), cacheTime: 0 });
  const rpc = (method: string, params: unknown[]) => client.request({ method: method as never, params: params as never });
  await rpc('evm_setAutomine', [false]);
  try {
    const { blockNumber: from } = await client.getTransactionReceipt({ hash: txHash });
    const head = await client.getBlockNumber();
    const kept: [Hex, number][] = [];
    for (let n = from; n <= head; n++) {
      const block = await client.getBlock({ blockNumber: n });
      for (const hash of block.transactions) {
        if (hash !== txHash) kept.push([await rpc('eth_getRawTransactionByHash', [hash]), Number(n - from)]);
      }
    }
    await rpc('anvil_reorg', [Number(head - from) + 1, kept]);
  } finally {
    await rpc('evm_setAutomine', [true]);
    // What was sent while automine was paused waits in the pool: mine it now.
    await rpc('evm_mine', []);
  }
}
