import { createPublicClient, createWalletClient, getAddress, getContract, http, type Hex } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoTokenAbi, demoTokenBytecode } from '../contracts/generated/DemoToken.ts';
import { erc3643ComplianceAbi, erc3643ComplianceBytecode } from '../contracts/generated/Erc3643Compliance.ts';
import { erc3643IdentityRegistryAbi, erc3643IdentityRegistryBytecode } from '../contracts/generated/Erc3643IdentityRegistry.ts';
import { erc3643TokenAbi, erc3643TokenBytecode } from '../contracts/generated/Erc3643Token.ts';
import { anvilAccount, startScratchAnvil } from '../stack/anvil.ts';
import type { ManagedProcess } from '../stack/process.ts';
import { createChain, type Chain } from './client.ts';
import { permissionRefusals, type PermissionedLeg } from './erc3643.ts';

const issuer = anvilAccount(0);
const seller = anvilAccount(1).address;
const buyer = anvilAccount(2).address;
// The checks only ask about the escrow's address; no escrow needs to be deployed at it.
const escrow = anvilAccount(3).address;

let anvil: ManagedProcess;
let chain: Chain;
let snapshot: Hex;
let contracts: Awaited<ReturnType<typeof deploy>>;

async function deploy(rpcUrl: string) {
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport, cacheTime: 0 });
  const wallet = createWalletClient({ chain: foundry, transport, account: issuer });
  const mined = async (hash: Promise<Hex>) => publicClient.waitForTransactionReceipt({ hash: await hash, pollingInterval: 50 });
  const deployed = async (hash: Promise<Hex>) => getAddress((await mined(hash)).contractAddress!);
  const registryAddress = await deployed(wallet.deployContract({ abi: erc3643IdentityRegistryAbi, bytecode: erc3643IdentityRegistryBytecode }));
  const complianceAddress = await deployed(wallet.deployContract({ abi: erc3643ComplianceAbi, bytecode: erc3643ComplianceBytecode }));
  const tokenAddress = await deployed(wallet.deployContract({ abi: erc3643TokenAbi, bytecode: erc3643TokenBytecode, args: ['Bond', 'BOND', 0, registryAddress, complianceAddress] }));
  const plain = await deployed(wallet.deployContract({ abi: demoTokenAbi, bytecode: demoTokenBytecode, args: ['Demo', 'DEMO', 18] }));
  const client = { public: publicClient, wallet };
  const token = getContract({ address: tokenAddress, abi: erc3643TokenAbi, client });
  const registry = getContract({ address: registryAddress, abi: erc3643IdentityRegistryAbi, client });
  const compliance = getContract({ address: complianceAddress, abi: erc3643ComplianceAbi, client });
  await mined(token.write.addAgent([issuer.address]));
  await mined(registry.write.addAgent([issuer.address]));
  for (const wallet of [seller, buyer, escrow]) await mined(registry.write.registerIdentity([wallet, wallet, 56]));
  return { token, registry, compliance, plain, mined };
}

beforeAll(async () => {
  const started = await startScratchAnvil();
  anvil = started.anvil;
  const { rpcUrl } = started;
  contracts = await deploy(rpcUrl);
  chain = createChain({ chainId: foundry.id, rpcUrl, escrowAddress: escrow, escrowDeployBlock: 0n });
});

afterAll(async () => {
  await anvil?.stop();
});

beforeEach(async () => {
  snapshot = await chain.publicClient.request({ method: 'evm_snapshot' } as never);
});

afterEach(async () => {
  await chain.publicClient.request({ method: 'evm_revert', params: [snapshot] } as never);
});

/** The seller delivers 100 shares to the buyer (leg 0); leg 1 is the buyer's payment in a plain ERC-20, which is never checked. */
function legs(overrides: Partial<PermissionedLeg> = {}): PermissionedLeg[] {
  return [
    { index: 0, tokenStandard: 'erc3643', token: contracts.token.address, from: { role: 'seller', wallet: seller }, to: { role: 'buyer', wallet: buyer }, amount: 100n, ...overrides },
    { index: 1, tokenStandard: 'erc20', token: contracts.plain, from: { role: 'buyer', wallet: buyer }, to: { role: 'seller', wallet: seller }, amount: 5n },
  ];
}

const rulesOf = async (l = legs()) => (await permissionRefusals(chain, l)).map((r) => [r.leg, r.party, r.rule]);

describe('permissionRefusals', () => {
  it('finds nothing to refuse when the token allows every movement', async () => {
    expect(await permissionRefusals(chain, legs())).toEqual([]);
  });

  it('names a receiver the identity registry does not verify, and the escrow', async () => {
    await contracts.mined(contracts.registry.write.deleteIdentity([buyer]));
    await contracts.mined(contracts.registry.write.deleteIdentity([escrow]));
    const refusals = await permissionRefusals(chain, legs());
    expect(refusals.map((r) => [r.leg, r.party, r.rule])).toEqual([
      [0, 'escrow', 'not_verified'],
      [0, 'buyer', 'not_verified'],
    ]);
    expect(refusals[1]!.message).toBe(`leg 0: party "buyer" (${buyer}) is not verified in token ${contracts.token.address}'s identity registry ${contracts.registry.address}`);
  });

  it('names a frozen depositor, escrow or receiver', async () => {
    for (const wallet of [seller, escrow, buyer]) await contracts.mined(contracts.token.write.setAddressFrozen([wallet, true]));
    expect(await rulesOf()).toEqual([
      [0, 'seller', 'wallet_frozen'],
      [0, 'escrow', 'wallet_frozen'],
      [0, 'buyer', 'wallet_frozen'],
    ]);
  });

  it('names a paused token', async () => {
    await contracts.mined(contracts.token.write.pause());
    expect(await rulesOf()).toEqual([[0, 'seller', 'token_paused']]);
  });

  it("asks the compliance contract about the deposit and the payout, each by the party it concerns", async () => {
    await contracts.mined(contracts.compliance.write.setRestricted([buyer, true]));
    expect(await rulesOf()).toEqual([[0, 'buyer', 'transfer_not_compliant']]);
    await contracts.mined(contracts.compliance.write.setRestricted([buyer, false]));
    await contracts.mined(contracts.compliance.write.setTransferLimit([99n]));
    expect(await rulesOf()).toEqual([
      [0, 'seller', 'transfer_not_compliant'],
      [0, 'buyer', 'transfer_not_compliant'],
    ]);
  });

  it('refuses a leg named ERC-3643 whose token is a plain ERC-20', async () => {
    expect(await rulesOf(legs({ token: contracts.plain }))).toEqual([[0, 'seller', 'not_erc3643']]);
  });
});
