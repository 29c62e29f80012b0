// What the end-to-end tests do to settlements, through the API and JSON-RPC only.

import { randomUUID } from 'node:crypto';
import { createPublicClient, erc20Abi, http, type Address, type Hex } from 'viem';
import type { LockstepApi } from '../../cli/apiClient.ts';
import { sendPreparedCalls, type PreparedCall } from '../../cli/depositor.ts';
import { guideInstruction } from '../../cli/instruction.ts';
import type { Manifest } from '../../stack/manifest.ts';

export interface SettlementView {
  id: string;
  state: string;
  template_id: string;
  failure_reason: string | null;
  escrow: { escrow_id: Hex; contract_address: Address };
  workflow: { id: string; ui_url: string };
  parties: Record<string, unknown>[];
  legs: {
    from_role: string;
    to_role: string;
    token_address: Address;
    token_standard: string;
    amount: string;
    deposit: { status: string; tx_hash: string | null; instructions: PreparedCall[] | null };
  }[];
}

/** The guide's example with a fractional payment (50000.25 USDC), so exactness is tested too. */
export function dvpInstruction(manifest: Manifest, overrides: Record<string, unknown> = {}) {
  const body = guideInstruction(manifest, 5 * 60_000);
  body.legs[1]!.quantity = '50000.25';
  return { ...body, ...overrides };
}

/** One side of the guide's trade (100 DEMO against 50000.25 USDC), as that side sees it. */
export function instructionSide(manifest: Manifest, role: 'seller' | 'buyer', overrides: Record<string, unknown> = {}) {
  const wallet = manifest.wallets[role].address;
  const delivers = role === 'seller' ? 'DEMO' : 'USDC';
  const dir = (instrument: string) => (instrument === delivers ? 'deliver' : 'receive');
  return {
    idempotency_key: `instr-${randomUUID()}`,
    template_slug: 'dvp-standard',
    role,
    party: { external_reference: `${role}-ref`, name: role === 'seller' ? 'Bob (Seller)' : 'Alice (Buyer)', wallet_address: wallet, chain_id: manifest.chain.chain_id },
    legs: [
      { leg_type: 'asset', instrument_id: 'DEMO', quantity: '100', direction: dir('DEMO'), chain_id: manifest.chain.chain_id },
      { leg_type: 'payment', instrument_id: 'USDC', quantity: '50000.25', direction: dir('USDC') },
    ],
    timeout_at: new Date(Date.now() + 5 * 60_000).toISOString(),
    ...overrides,
  };
}

/**
 * "THE CHESS PLAYER" is only a weak a.k.a. of OFAC entry 4107 (born 31 Jan 1939, Cali,
 * Colombia): alone it clears; with the party's own date of birth or country agreeing it is a
 * flag for review, never a hit.
 */
export function flaggedInstruction(manifest: Manifest, template: string, timeoutMs = 5 * 60_000, corroborated = true) {
  const body = dvpInstruction(manifest, { template_id: template, timeout_at: new Date(Date.now() + timeoutMs).toISOString() });
  body.parties[0]!.name = 'The Chess Player';
  if (corroborated) Object.assign(body.parties[0]!, { entity_type: 'individual', country: 'CO', date_of_birth: '1939-01-31' });
  return body;
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
