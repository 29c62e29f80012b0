// An instrument_id is a registered symbol on the settlement's chain (e.g. USDC) or
// a token address; an unregistered address must answer ERC-20 decimals().

import { BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError, erc20Abi, getAddress, isAddress, type Address } from 'viem';
import type { Models } from '../db/client.ts';
import type { Chain } from './client.ts';
import { LockstepError } from '../domain/errors.ts';

export interface ResolvedInstrument {
  address: Address;
  decimals: number;
  symbol: string | null;
}

export class UnknownInstrumentError extends LockstepError {
  override readonly name = 'UnknownInstrumentError';
}

/** The chain did not answer: nothing is known of the token, and the caller is not at fault. */
export class ChainUnavailableError extends LockstepError {
  override readonly name = 'ChainUnavailableError';
}

/** Whether the contract itself answered "no": it reverted, or there is no contract (no data). */
const contractRefused = (err: unknown) =>
  err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionRevertedError || e instanceof ContractFunctionZeroDataError) !== null;

/**
 * A token's address and decimals do not change, and instruments are registered when a stack is
 * set up: what is found is kept a minute (every create asks for each of its legs' tokens).
 * What is not found is asked again each time, so a token registered since is seen.
 */
const KEEP_MS = 60_000;
const found = new Map<string, { instrument: ResolvedInstrument; until: number }>();

export async function resolveInstrument(db: Models, chain: Chain, instrumentId: string): Promise<ResolvedInstrument> {
  const key = `${chain.chainId}:${instrumentId.toLowerCase()}`;
  const kept = found.get(key);
  if (kept && kept.until > Date.now()) return kept.instrument;
  const instrument = await lookUp(db, chain, instrumentId);
  // Any ERC-20 address resolves: what is kept stays bounded whatever callers name.
  if (found.size >= 1000) found.clear();
  found.set(key, { instrument, until: Date.now() + KEEP_MS });
  return instrument;
}

async function lookUp(db: Models, chain: Chain, instrumentId: string): Promise<ResolvedInstrument> {
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
