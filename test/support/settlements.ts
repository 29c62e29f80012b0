// What the end-to-end tests do to settlements, through the API and JSON-RPC only.

import { randomUUID } from 'node:crypto';
import { createPublicClient, erc20Abi, http, type Address, type Hex } from 'viem';
import type { LockstepApi } from '../../cli/apiClient';
import { sendPreparedCalls, type PreparedCall } from '../../cli/depositor';
import type { Manifest } from '../../stack/manifest';

export interface SettlementView {
  id: string;
  state: string;
  failure_reason: string | null;
  escrow: { escrow_id: Hex; contract_address: Address };
  workflow: { id: string; ui_url: string };
  legs: {
    from_role: string;
    to_role: string;
    token_address: Address;
    amount: string;
    deposit: { status: string; tx_hash: string | null; instructions: PreparedCall[] | null };
  }[];
}

export function dvpInstruction(manifest: Manifest, overrides: Record<string, unknown> = {}) {
  const { buyer, seller } = manifest.wallets;
  return {
    idempotency_key: `test-${randomUUID()}`,
    template_id: 'dvp-standard',
    timeout_at: new Date(Date.now() + 5 * 60_000).toISOString(),
    parties: [
      { role: 'buyer', external_reference: 'alice-001', name: 'Alice (Buyer)', wallet_address: buyer.address, chain_id: manifest.chain.chain_id },
      { role: 'seller', external_reference: 'bob-001', name: 'Bob (Seller)', wallet_address: seller.address, chain_id: manifest.chain.chain_id },
    ],
    legs: [
      { leg_type: 'asset', instrument_id: manifest.chain.tokens.DEMO!.address, quantity: '100', direction: 'deliver', party_role: 'seller' },
      { leg_type: 'payment', instrument_id: 'USDC', quantity: '50000.25', direction: 'deliver', party_role: 'buyer' },
    ],
    ...overrides,
  };
}

export async function waitForState(api: LockstepApi, id: string, states: string[], timeoutMs = 90_000): Promise<SettlementView> {
  const deadline = Date.now() + timeoutMs;
  let s = await api.request<SettlementView>('GET', `/v1/settlements/${id}`);
  while (!states.includes(s.state)) {
    if (Date.now() > deadline) throw new Error(`settlement ${id} is ${s.state} after ${timeoutMs}ms, expected ${states.join('|')}`);
    await new Promise((r) => setTimeout(r, 250));
    s = await api.request<SettlementView>('GET', `/v1/settlements/${id}`);
  }
  return s;
}

/** The depositor's side: send exactly the calls the API prepared for this party's legs. */
export async function depositAs(manifest: Manifest, s: SettlementView, role: 'buyer' | 'seller'): Promise<Hex[]> {
  const calls = s.legs.filter((l) => l.from_role === role).flatMap((l) => l.deposit.instructions ?? []);
  if (!calls.length) throw new Error(`no deposit instructions for ${role} on settlement ${s.id} (state ${s.state})`);
  return sendPreparedCalls(manifest.chain.rpc_url, manifest.wallets[role].private_key, calls);
}

export function chainReader(manifest: Manifest) {
  return createPublicClient({ transport: http(manifest.chain.rpc_url), cacheTime: 0 });
}

export async function balanceOf(manifest: Manifest, token: Address, owner: Address): Promise<bigint> {
  return chainReader(manifest).readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });
}
