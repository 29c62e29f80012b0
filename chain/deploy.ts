import { type Account, type Address, type Chain, getAddress, type Hex, type PublicClient, type Transport, type WalletClient } from 'viem';
import { demoTokenAbi, demoTokenBytecode } from '../contracts/generated/DemoToken.ts';
import { lockstepEscrowAbi, lockstepEscrowBytecode } from '../contracts/generated/LockstepEscrow.ts';

export interface DeployParams {
  walletClient: WalletClient<Transport, Chain, Account>;
  publicClient: PublicClient;
  /** Escrow operator (the engine's signer); may differ from the deployer. */
  operator: Address;
}

export interface DeployedContracts {
  escrow: Address;
  /** 18-decimal demo asset token, mintable by the deployer. */
  assetToken: Address;
  /** 6-decimal demo USD stablecoin (symbol USDC), mintable by the deployer. */
  usdc: Address;
}

async function deployedAddress(publicClient: PublicClient, hash: Hex): Promise<Address> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new Error(`deployment transaction ${hash} failed`);
  }
  // Receipts carry the address in lower case; checksum it so it compares equal to decoded ABI values.
  return getAddress(receipt.contractAddress);
}

/** Deploys one contract at a time so nonces never race, whatever kind of account signs. */
export async function deployContracts({ walletClient, publicClient, operator }: DeployParams): Promise<DeployedContracts> {
  const escrow = await deployedAddress(
    publicClient,
    await walletClient.deployContract({ abi: lockstepEscrowAbi, bytecode: lockstepEscrowBytecode, args: [operator] }),
  );
  const deployToken = async (name: string, symbol: string, decimals: number) =>
    deployedAddress(
      publicClient,
      await walletClient.deployContract({ abi: demoTokenAbi, bytecode: demoTokenBytecode, args: [name, symbol, decimals] }),
    );
  const assetToken = await deployToken('Lockstep Demo Asset', 'DEMO', 18);
  const usdc = await deployToken('USD Coin (demo)', 'USDC', 6);
  return { escrow, assetToken, usdc };
}
