// The KeyStone guide's three steps against the running stack: authenticate, create
// a settlement, deposit both legs from the demo wallets, follow it to FINALIZED. With
// --bilateral, the seller and the buyer each submit their own instruction instead, and the
// match makes the settlement.

import type { Hex } from 'viem';
import { DEV_DATA_DIR, manifestPath, readJson, type Manifest } from '../stack/manifest.ts';
import { LockstepApi } from './apiClient.ts';
import type { CommandRunners } from './commands.ts';
import { sendPreparedCalls, type PreparedCall } from './depositor.ts';
import { guideInstruction, guideSides } from './instruction.ts';
import { parse } from './options.ts';

interface SettlementView {
  id: string;
  state: string;
  failure_reason: string | null;
  parties: { role: string; wallet_address: string }[];
  legs: { party_role: string; from_role: string; deposit: { status: string; instructions: PreparedCall[] | null } }[];
  workflow: { ui_url: string };
}

const TERMINAL = ['FINALIZED', 'ROLLED_BACK', 'TIMED_OUT'];

export const commands = {
  demo: async (args) => {
    const { values } = parse(args, { manifest: { type: 'string' }, bilateral: { type: 'boolean', default: false } });
    await runDemo(values.manifest, values.bilateral);
  },
} satisfies CommandRunners;

export async function runDemo(path = manifestPath(DEV_DATA_DIR), bilateral = false): Promise<void> {
  const manifest = readJson<Manifest>(path);
  if (!manifest) throw new Error(`no stack manifest at ${path}: start the stack first (npm start)`);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const api = new LockstepApi(manifest.api_url);

  say('1. Authenticate (client credentials)');
  await api.authenticate(manifest.client.client_id, manifest.client.client_secret, manifest.client.audience);

  const { seller, buyer } = manifest.wallets;
  let s = bilateral ? await matchInstructions(api, manifest, say) : await initiate(api, manifest, say);
  say(`   settlement ${s.id}\n   Temporal UI: ${s.workflow.ui_url}`);

  say('3. Monitor progress (and deposit when asked)');
  const keys: Record<string, Hex> = { seller: seller.private_key, buyer: buyer.private_key };
  const sent = new Set<number>();
  let last = '';
  const deadline = Date.now() + 5 * 60_000;
  while (!TERMINAL.includes(s.state)) {
    if (Date.now() > deadline) throw new Error(`settlement ${s.id} did not finish within 5 minutes (state ${s.state})`);
    if (s.state !== last) say(`   ${(last = s.state)}`);
    // A sent deposit shows as pending until the listener confirms it: send each leg once.
    for (const [i, leg] of s.legs.entries()) {
      if (!leg.deposit.instructions || sent.has(i)) continue;
      sent.add(i);
      say(`   ${leg.from_role} deposits leg ${i} (${leg.deposit.instructions.map((c) => c.step).join(' + ')})`);
      await sendPreparedCalls(manifest.chain.rpc_url, keys[leg.from_role]!, leg.deposit.instructions);
    }
    await new Promise((r) => setTimeout(r, 500));
    s = await api.request<SettlementView>('GET', `/v1/settlements/${s.id}`);
  }
  say(`   ${s.state}${s.failure_reason ? ` (${s.failure_reason})` : ''}`);
  if (s.state !== 'FINALIZED') throw new Error(`settlement ended in ${s.state}`);
}

async function initiate(api: LockstepApi, manifest: Manifest, say: (line: string) => void): Promise<SettlementView> {
  say('2. Initiate a settlement');
  return api.request<SettlementView>('POST', '/v1/settlements', guideInstruction(manifest));
}

async function matchInstructions(api: LockstepApi, manifest: Manifest, say: (line: string) => void): Promise<SettlementView> {
  say('2. Each side submits its instruction');
  const sides = guideSides(manifest);
  const first = await api.request<{ trade_reference: string; status: string }>('POST', '/v1/instructions', sides.seller);
  say(`   seller: ${first.status}, trade reference ${first.trade_reference} (handed to the buyer)`);
  const second = await api.request<{ status: string; settlement_id: string | null; mismatches: { field: string; reason: string }[] }>('POST', '/v1/instructions', {
    ...sides.buyer,
    trade_reference: first.trade_reference,
  });
  if (!second.settlement_id) throw new Error(`the sides did not match: ${second.mismatches.map((m) => `${m.field}: ${m.reason}`).join('; ')}`);
  say(`   buyer: ${second.status}`);
  return api.request<SettlementView>('GET', `/v1/settlements/${second.settlement_id}`);
}
