// The chain the invariant suite runs on: one escrow, one token of each kind the escrow must
// survive, funded parties who approved the escrow, and a probe that reads everything at once.
// Deployed once per anvil; every run of the property starts from the same snapshot.

import { type Abi, type Address, decodeFunctionResult, encodeDeployData, encodeFunctionData, getAddress, type Hex, hexToBigInt, maxUint256, pad, toHex } from 'viem';
import { demoTokenAbi, demoTokenBytecode } from '../generated/DemoToken.ts';
import { erc3643ComplianceAbi, erc3643ComplianceBytecode } from '../generated/Erc3643Compliance.ts';
import { erc3643IdentityRegistryAbi, erc3643IdentityRegistryBytecode } from '../generated/Erc3643IdentityRegistry.ts';
import { erc3643TokenAbi, erc3643TokenBytecode } from '../generated/Erc3643Token.ts';
import { falseReturningTokenAbi, falseReturningTokenBytecode } from '../generated/FalseReturningToken.ts';
import { feeOnTransferTokenAbi, feeOnTransferTokenBytecode } from '../generated/FeeOnTransferToken.ts';
import { freezableTokenAbi, freezableTokenBytecode } from '../generated/FreezableToken.ts';
import { invariantProbeAbi, invariantProbeBytecode } from '../generated/InvariantProbe.ts';
import { lockstepEscrowAbi, lockstepEscrowBytecode } from '../generated/LockstepEscrow.ts';
import { reentrantTokenAbi, reentrantTokenBytecode } from '../generated/ReentrantToken.ts';
import type { AnvilRpc, TxRequest } from './anvil.ts';
import { type EscrowState, type Model, type Permissions, STATUS_CODES, type Status, type TokenKind, type TokenState } from './model.ts';

export interface TokenInfo {
  symbol: string;
  kind: TokenKind;
  decimals: number;
  address: Address;
}

/** What the chain holds after a step, in the model's shape. */
export interface Observation {
  operator: Address;
  balances: Record<Address, Record<Address, bigint>>;
  escrows: Record<Hex, (Omit<EscrowState, 'status'> & { status: Status }) | undefined>;
  reentryAttempts: bigint;
  reentrySuccesses: bigint;
  /** Open escrows past their deadline whose refund by a stranger reverts (the probe tries each). */
  refundBlocked: Hex[];
  /** The ERC-3643 token's permissions, for every holder. */
  permissions: Permissions;
}

/** How many escrow ids a run draws from: few enough that steps keep meeting the same escrows. */
export const ESCROW_SLOTS = 6;
export const escrowIdOf = (slot: number): Hex => pad(toHex(0x5107 + slot), { size: 32 });
/** What each party holds of each token at the start, in whole tokens. */
const FUNDING = 100n;

export interface World {
  rpc: AnvilRpc;
  escrow: Address;
  tokens: TokenInfo[];
  /** The operator at the start, and the account it may be handed over to. */
  operators: [Address, Address];
  /** Depositors and recipients. */
  parties: Address[];
  /** Never named in any escrow's terms. */
  stranger: Address;
  /** Every address whose balances and permissions the suite follows: the accounts and the escrow. */
  holders: Address[];
  /** The ERC-3643 token's agent (its owner, the deployer, owns the compliance contract). */
  agent: Address;
  /** The ERC-3643 token's identity registry and compliance contract. */
  registry: Address;
  compliance: Address;
  escrowIds: Hex[];
  /** Every error a step may revert with, escrow's and tokens'. */
  errorAbi: Abi;
  /** The model of the freshly deployed world (a new copy each time). */
  initialModel(): Model;
  /** Back to the freshly deployed world, clock included. */
  reset(): Promise<void>;
  /** Reads the chain as a block at `now` would (the probe's refund attempts depend on the clock). */
  observe(now: bigint): Promise<Observation>;
  /** Sends and mines; fails loudly if a set-up transaction reverts. */
  sendOk(tx: TxRequest): Promise<void>;
}

export interface WorldOptions {
  /** A different escrow build (the suite's own tests deploy deliberately broken ones). */
  escrowBytecode?: Hex;
}

export async function deployWorld(rpc: AnvilRpc, options: WorldOptions = {}): Promise<World> {
  await rpc.request('evm_setAutomine', [false]); // AnvilRpc.send mines each transaction itself
  const accounts = (await rpc.request<Address[]>('eth_accounts', [])).map((a) => getAddress(a));
  const [operator, alice, bob, carol, stranger, secondOperator, agent] = accounts as [Address, Address, Address, Address, Address, Address, Address];
  const parties = [alice, bob, carol];

  const sendOk = async (tx: TxRequest) => {
    const receipt = await rpc.send(tx);
    if (receipt.status !== '0x1') throw new Error(`set-up transaction reverted: ${JSON.stringify(tx).slice(0, 200)}`);
  };
  const deploy = async (abi: Abi, bytecode: Hex, args: unknown[] = []) => {
    const receipt = await rpc.send({ from: operator, data: encodeDeployData({ abi, bytecode, args }) });
    if (receipt.status !== '0x1' || !receipt.contractAddress) throw new Error('deployment reverted');
    return getAddress(receipt.contractAddress);
  };

  const escrow = await deploy(lockstepEscrowAbi, options.escrowBytecode ?? lockstepEscrowBytecode, [operator]);
  const probe = await deploy(invariantProbeAbi, invariantProbeBytecode);
  // The ERC-3643 token's registry verifies the parties and the escrow; its agent mints.
  const registry = await deploy(erc3643IdentityRegistryAbi, erc3643IdentityRegistryBytecode);
  const compliance = await deploy(erc3643ComplianceAbi, erc3643ComplianceBytecode);
  const specs: { symbol: string; kind: TokenKind; decimals: number; abi: Abi; bytecode: Hex; args?: unknown[] }[] = [
    { symbol: 'DEMO', kind: 'plain', decimals: 18, abi: demoTokenAbi, bytecode: demoTokenBytecode, args: ['Demo', 'DEMO', 18] },
    { symbol: 'USDC', kind: 'plain', decimals: 6, abi: demoTokenAbi, bytecode: demoTokenBytecode, args: ['USD Coin (demo)', 'USDC', 6] },
    { symbol: 'FEE', kind: 'feeOnTransfer', decimals: 18, abi: feeOnTransferTokenAbi, bytecode: feeOnTransferTokenBytecode },
    { symbol: 'FRZ', kind: 'freezable', decimals: 18, abi: freezableTokenAbi, bytecode: freezableTokenBytecode },
    { symbol: 'FALSE', kind: 'falseReturning', decimals: 18, abi: falseReturningTokenAbi, bytecode: falseReturningTokenBytecode },
    { symbol: 'REENTER', kind: 'reentrant', decimals: 18, abi: reentrantTokenAbi, bytecode: reentrantTokenBytecode },
    // Shares: no decimals, as many security tokens.
    { symbol: 'BOND', kind: 'permissioned', decimals: 0, abi: erc3643TokenAbi, bytecode: erc3643TokenBytecode, args: ['Permissioned bond', 'BOND', 0, registry, compliance] },
  ];
  const tokens: TokenInfo[] = [];
  for (const spec of specs) {
    const address = await deploy(spec.abi, spec.bytecode, spec.args);
    tokens.push({ symbol: spec.symbol, kind: spec.kind, decimals: spec.decimals, address });
    let minter = operator;
    if (spec.kind === 'permissioned') {
      minter = agent;
      for (const contract of [address, registry]) await sendOk({ from: operator, to: contract, data: encodeFunctionData({ abi: erc3643TokenAbi, functionName: 'addAgent', args: [agent] }) });
      for (const wallet of [...parties, escrow]) {
        await sendOk({ from: agent, to: registry, data: encodeFunctionData({ abi: erc3643IdentityRegistryAbi, functionName: 'registerIdentity', args: [wallet, wallet, 56] }) });
      }
    }
    for (const party of parties) {
      const amount = FUNDING * 10n ** BigInt(spec.decimals);
      await sendOk({ from: minter, to: address, data: encodeFunctionData({ abi: demoTokenAbi, functionName: 'mint', args: [party, amount] }) });
      await sendOk({ from: party, to: address, data: encodeFunctionData({ abi: demoTokenAbi, functionName: 'approve', args: [escrow, maxUint256] }) });
    }
  }

  const holders = [operator, secondOperator, alice, bob, carol, stranger, escrow];
  const escrowIds = Array.from({ length: ESCROW_SLOTS }, (_, slot) => escrowIdOf(slot));
  const reentrant = tokens.find((t) => t.kind === 'reentrant')!.address;

  const permissioned = tokens.find((t) => t.kind === 'permissioned')!.address;
  const counters = (['reentryAttempts', 'reentrySuccesses'] as const).map((functionName) => ({
    target: reentrant,
    data: encodeFunctionData({ abi: reentrantTokenAbi, functionName }),
  }));
  const perHolder = (target: Address, abi: Abi, functionName: string) =>
    holders.map((holder) => ({ target, data: encodeFunctionData({ abi, functionName, args: [holder] }) }));
  const permissionReads = [
    { target: permissioned, data: encodeFunctionData({ abi: erc3643TokenAbi, functionName: 'paused' }) },
    { target: compliance, data: encodeFunctionData({ abi: erc3643ComplianceAbi, functionName: 'transferLimit' }) },
    ...perHolder(permissioned, erc3643TokenAbi, 'isFrozen'),
    ...perHolder(permissioned, erc3643TokenAbi, 'getFrozenTokens'),
    ...perHolder(registry, erc3643IdentityRegistryAbi, 'isVerified'),
    ...perHolder(compliance, erc3643ComplianceAbi, 'restricted'),
  ];
  /** Reads answer bools and uint256s, all one word. */
  const byHolder = <T>(words: bigint[], field: number, as: (word: bigint) => T): Record<Address, T> =>
    Object.fromEntries(holders.map((h, i) => [h, as(words[2 + field * holders.length + i]!)]));
  const observeCall = {
    from: operator,
    to: probe,
    data: encodeFunctionData({ abi: invariantProbeAbi, functionName: 'observe', args: [escrow, tokens.map((t) => t.address), holders, escrowIds, [...counters, ...permissionReads]] }),
  };

  const observe = async (now?: bigint): Promise<Observation> => {
    const result = await rpc.call(observeCall, { timestamp: now });
    if (typeof result !== 'string') throw new Error(`the probe's read reverted: ${result.data}`);
    const { operator: observedOperator, balances, escrows, results, refundBlocked } = decodeFunctionResult({ abi: invariantProbeAbi, functionName: 'observe', data: result });
    const [reentryAttempts, reentrySuccesses, ...words] = results.map((data) => hexToBigInt(data));
    const statusNames = Object.keys(STATUS_CODES) as Status[];
    return {
      operator: observedOperator,
      balances: Object.fromEntries(
        tokens.map((t, ti) => [t.address, Object.fromEntries(holders.map((h, hi) => [h, balances[ti * holders.length + hi]!]))]),
      ),
      escrows: Object.fromEntries(
        escrowIds.map((id, i) => {
          const e = escrows[i]!;
          if (e.status === 0) return [id, undefined];
          return [id, { status: statusNames[e.status]!, deadline: e.deadline, termsHash: e.termsHash, legs: e.legs.map((l) => ({ ...l })), refundOwed: [...e.refundOwed] }];
        }),
      ),
      reentryAttempts: reentryAttempts!,
      reentrySuccesses: reentrySuccesses!,
      refundBlocked: escrowIds.filter((_, i) => refundBlocked[i]),
      permissions: {
        paused: words[0] === 1n,
        frozen: byHolder(words, 0, (w) => w === 1n),
        frozenTokens: byHolder(words, 1, (w) => w),
        verified: byHolder(words, 2, (w) => w === 1n),
        restricted: byHolder(words, 3, (w) => w === 1n),
        transferLimit: words[1]!,
      },
    };
  };

  await rpc.request('anvil_setBlockTimestampInterval', [1]);
  const initial = await observe();
  let snapshot = await rpc.request<Hex>('evm_snapshot', []);
  const startedAt = await rpc.latestTimestamp();
  const tokenState = (t: TokenInfo): TokenState => ({
    kind: t.kind,
    balances: { ...initial.balances[t.address] },
    frozen: false,
    failing: false,
    armed: false,
    reentryAttempts: 0n,
    permissions: t.kind === 'permissioned' ? structuredClone(initial.permissions) : undefined,
    outside: {},
  });

  return {
    rpc,
    escrow,
    tokens,
    operators: [operator, secondOperator],
    parties,
    stranger,
    holders,
    agent,
    registry,
    compliance,
    escrowIds,
    errorAbi: [lockstepEscrowAbi, freezableTokenAbi, reentrantTokenAbi, erc3643TokenAbi].flatMap((abi) => abi.filter((item) => item.type === 'error')),
    initialModel: () => ({
      now: startedAt + 1n,
      operator,
      escrowAddress: escrow,
      escrows: {},
      tokens: Object.fromEntries(tokens.map((t) => [t.address, tokenState(t)])),
    }),
    async reset() {
      if (!(await rpc.request<boolean>('evm_revert', [snapshot]))) throw new Error('anvil could not revert to the snapshot');
      snapshot = await rpc.request<Hex>('evm_snapshot', []);
      await rpc.setNextBlockTimestamp(startedAt + 1n);
    },
    observe,
    sendOk,
  };
}
