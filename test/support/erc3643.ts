// A permissioned ERC-3643 (T-REX) asset for end-to-end tests: the test token of
// contracts/test/erc3643, with its identity registry and compliance contract, deployed on the
// stack's chain by an issuer (the seller's wallet) who is its agent. The seller, the buyer and
// the escrow are verified, and the seller holds `minted` shares.

import { createWalletClient, defineChain, getContract, http, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { erc3643ComplianceAbi, erc3643ComplianceBytecode } from '../../contracts/generated/Erc3643Compliance.ts';
import { erc3643IdentityRegistryAbi, erc3643IdentityRegistryBytecode } from '../../contracts/generated/Erc3643IdentityRegistry.ts';
import { erc3643TokenAbi, erc3643TokenBytecode } from '../../contracts/generated/Erc3643Token.ts';
import type { Manifest } from '../../stack/manifest.ts';
import { chainReader } from './settlements.ts';

export async function deployBond(manifest: Manifest, minted: bigint) {
  const { buyer, seller } = manifest.wallets;
  const anvilChain = defineChain({ id: manifest.chain.chain_id, name: 'test', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [manifest.chain.rpc_url] } } });
  const issuer = createWalletClient({ chain: anvilChain, transport: http(manifest.chain.rpc_url), account: privateKeyToAccount(seller.private_key) });
  const reader = chainReader(manifest);

  /** Waits for the transaction; it must have succeeded. */
  const mined = async (hash: Promise<Hex>): Promise<void> => {
    const receipt = await reader.waitForTransactionReceipt({ hash: await hash, pollingInterval: 100 });
    if (receipt.status !== 'success') throw new Error(`transaction ${receipt.transactionHash} reverted`);
  };
  const deploy = async (abi: readonly unknown[], bytecode: Hex, args: unknown[] = []): Promise<Address> => {
    const hash = await issuer.deployContract({ abi, bytecode, args });
    return (await reader.waitForTransactionReceipt({ hash, pollingInterval: 100 })).contractAddress!;
  };

  const registryAddress = await deploy(erc3643IdentityRegistryAbi, erc3643IdentityRegistryBytecode);
  const compliance = await deploy(erc3643ComplianceAbi, erc3643ComplianceBytecode);
  const token = await deploy(erc3643TokenAbi, erc3643TokenBytecode, ['Tokenized bond', 'BOND', 0, registryAddress, compliance]);
  const registry = getContract({ address: registryAddress, abi: erc3643IdentityRegistryAbi, client: issuer });
  const bond = getContract({ address: token, abi: erc3643TokenAbi, client: issuer });
  await mined(bond.write.addAgent([issuer.account.address]));
  await mined(registry.write.addAgent([issuer.account.address]));
  for (const wallet of [seller.address, buyer.address, manifest.chain.escrow_address]) await mined(registry.write.registerIdentity([wallet, wallet, 56]));
  await mined(bond.write.mint([seller.address, minted]));
  return { token, registry, mined, reader };
}
