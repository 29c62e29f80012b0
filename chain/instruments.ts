// An instrument_id is a registered symbol on the settlement's chain (e.g. USDC) or
// a token address; an unregistered address must answer ERC-20 decimals().

import { BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError, erc20Abi, getAddress, isAddress, type Address } from 'viem';
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

/** The chain did not answer: nothing is known of the token, and the caller is not at fault. */
export class ChainUnavailableError extends Error {
  override readonly name = 'ChainUnavailableError';
}

/** Whether the contract itself answered "no": it reverted, or there is no contract (no data). */
const contractRefused = (err: unknown) =>
  err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionRevertedError || e instanceof ContractFunctionZeroDataError) !== null;

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
    } catch (err) {
      if (contractRefused(err)) throw new UnknownInstrumentError(`${instrumentId} is not an ERC-20 token on chain ${chain.chainId}`);
      throw new ChainUnavailableError(`chain ${chain.chainId} did not answer whether ${instrumentId} is an ERC-20 token: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const bySymbol = await db.instrument.findFirst({
    where: { chainId: chain.chainId, symbol: { equals: instrumentId, mode: 'insensitive' } },
  });
  if (!bySymbol) throw new UnknownInstrumentError(`no instrument "${instrumentId}" is registered on chain ${chain.chainId}`);
  return { address: getAddress(bySymbol.address), decimals: bySymbol.decimals, symbol: bySymbol.symbol };
}
