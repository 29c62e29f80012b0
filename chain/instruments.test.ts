import { ContractFunctionExecutionError, ContractFunctionZeroDataError, erc20Abi, HttpRequestError } from 'viem';
import { expect, it } from 'vitest';
import type { Chain } from './client.ts';
import { ChainUnavailableError, resolveInstrument, UnknownInstrumentError } from './instruments.ts';

const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const noneRegistered = { instrument: { findUnique: async () => null, findFirst: async () => null } } as never;
const chainWhoseCall = (fails: () => Error) => ({ chainId: 31337, publicClient: { readContract: async () => Promise.reject(fails()) } }) as unknown as Chain;
const wrapped = (cause: Error) => new ContractFunctionExecutionError(cause as never, { abi: erc20Abi, functionName: 'decimals', contractAddress: TOKEN });

it('blames the caller only when the address answers that it is no token', async () => {
  const noContract = chainWhoseCall(() => wrapped(new ContractFunctionZeroDataError({ functionName: 'decimals' })));
  await expect(resolveInstrument(noneRegistered, noContract, TOKEN)).rejects.toBeInstanceOf(UnknownInstrumentError);
});

it('says the chain is unavailable when the node does not answer, rather than "not a token"', async () => {
  const down = chainWhoseCall(() => wrapped(new HttpRequestError({ url: 'http://127.0.0.1:8545', details: 'fetch failed' })));
  await expect(resolveInstrument(noneRegistered, down, TOKEN)).rejects.toBeInstanceOf(ChainUnavailableError);
});
