// A deposit reorged out of the chain and then back in, as a reorg usually treats it: the same
// signed transaction, the same hash, the same log. The workflow had counted it, found the leg
// empty on the contract once the other leg came, and must take the log's return as news
// rather than a repeat to ignore until its next contract read (minutes later).

import { createPublicClient, http, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { reorgAway } from '../../bench/chaos/reorg.ts';
import { progressQuery, workflowIdFor } from '../../workflows/names.ts';
import { stackContext, withServices } from '../support/services.ts';
import { depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();
const chain = createPublicClient({ transport: http(manifest.chain.rpc_url), cacheTime: 0 });

async function until(what: string, done: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a deposit reorged away and back', () => {
  it('finalizes as soon as the same deposit is back in the chain', async () => {
    const { db, temporal, api } = services();
    const created = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(api, created.id, ['AWAITING_DEPOSITS']);
    const sellerDeposit = (await depositAs(manifest, awaiting, 'seller')).at(-1)!;
    const signalled = () => db.chainLog.findFirst({ where: { txHash: sellerDeposit, removed: false, signaledAt: { not: null } } });
    await until('the seller deposit signalled', async () => !!(await signalled()));

    const raw: Hex = await chain.request({ method: 'eth_getRawTransactionByHash' as never, params: [sellerDeposit] as never });
    await reorgAway(manifest.chain.rpc_url, sellerDeposit);
    await until('the listener rewound', async () => !!(await db.chainLog.findFirst({ where: { txHash: sellerDeposit, removed: true } })));
    await depositAs(manifest, awaiting, 'buyer');
    // The buyer's deposit makes the workflow read the contract, which has only the buyer's leg.
    const workflow = temporal.workflow.getHandle(workflowIdFor(created.id));
    await until('the workflow read the contract', async () => (await workflow.query(progressQuery)).depositedLegs.join() === '1');

    const back: Hex = await chain.request({ method: 'eth_sendRawTransaction' as never, params: [raw] as never });
    expect(back).toBe(sellerDeposit);
    expect((await waitForState(api, created.id, ['FINALIZED', 'ROLLED_BACK'], 30_000)).state).toBe('FINALIZED');
  });
});
