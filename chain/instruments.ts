// An instrument_id is a registered symbol on the settlement's chain (e.g. USDC) or
// a token address; an unregistered address must answer ERC-20 decimals().

import { erc20Abi, getAddress, isAddress, type Address } from 'viem';
import type { Models } from '../db/client.ts';
import type { Chain } from './client.ts';

export interface ResolvedInstrument {
  address: Address;
  decimals: number;
  symbol: string | null;
}

export class UnknownInstrumentError extends Error {
  override readonly name = 'UnknownInstrumentError';
}

export async function resolveInstrument(db: Models, chain: Chain, instrumentId: string): Promise<ResolvedInstrument> {
  if (isAddress(instrumentId, { strict: false })) {
    const address = getAddress(instrumentId);
    const known = await db.instrument.findUnique({
      where: { chainId_address: { chainId: chain.chainId, address: address.toLowerCase() } },
    });
    if (known) return { address, decimals: known.decimals, symbol: known.symbol };
    try {
      const decimals = await chain.publicClient.readContract({ address, abi: erc20Abi, functionName: 'decimals' });
      return { address, decimals, symbol: null };
    } catch {
      throw new UnknownInstrumentError(`${instrumentId} is not an ERC-20 token on chain ${chain.chainId}`);
    }
  }
  const bySymbol = await db.instrument.findFirst({
    where: { chainId: chain.chainId, symbol: { equals: instrumentId, mode: 'insensitive' } },
  });
  if (!bySymbol) throw new UnknownInstrumentError(`no instrument "${instrumentId}" is registered on chain ${chain.chainId}`);
  return { address: getAddress(bySymbol.address), decimals: bySymbol.decimals, symbol: bySymbol.symbol };
}
