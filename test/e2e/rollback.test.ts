import { describe, expect, it } from 'vitest';
import { lockstepEscrowAbi } from '../../contracts/generated/LockstepEscrow.ts';
import { stackContext, withServices } from '../support/services.ts';
import { balanceOf, chainReader, depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const { DEMO, USDC } = manifest.chain.tokens as Record<string, { address: `0x${string}` }>;
const { buyer, seller } = manifest.wallets;
const ESCROW_STATUS = ['None', 'Registered', 'Settled', 'Refunded'];
const services = withServices();

async function escrowStatus(s: SettlementView): Promise<string> {
  const [status] = await chainReader(manifest).readContract({
    address: manifest.chain.escrow_address,
    abi: lockstepEscrowAbi,
    functionName: 'getEscrow',
    args: [s.escrow.escrow_id],
  });
  return ESCROW_STATUS[status]!;
}

async function trail(id: string) {
  return services().db.settlementEvent.findMany({ where: { settlementId: id }, orderBy: { sequence: 'asc' } });
}

/** Creates the settlement, which screening must roll back before it reaches AWAITING_DEPOSITS; its trail. */
async function screenedOut(body: ReturnType<typeof dvpInstruction>) {
  const created = await services().api.request<SettlementView>('POST', '/v1/settlements', body);
  const done = await waitForState(services().api, created.id, ['ROLLED_BACK', 'AWAITING_DEPOSITS']);
  expect(done.state).toBe('ROLLED_BACK');
  return { done, events: await trail(created.id) };
}

describe('rollback', () => {
  it('refunds the one deposit made when timeout_at passes, and never charges the other side', async () => {
    const sellerAsset = await balanceOf(manifest, DEMO!.address, seller.address);
    const buyerCash = await balanceOf(manifest, USDC!.address, buyer.address);
    const created = await services().api.request<SettlementView>(
      'POST',
      '/v1/settlements',
      dvpInstruction(manifest, { timeout_at: new Date(Date.now() + 12_000).toISOString() }),
    );
    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'seller');
    expect(await balanceOf(manifest, DEMO!.address, seller.address)).toBe(sellerAsset - 100n * 10n ** 18n);

    const done = await waitForState(services().api, created.id, ['ROLLED_BACK', 'FINALIZED'], 60_000);
    expect(done.state).toBe('ROLLED_BACK');
    expect(done.failure_reason).toMatch(/timeout_at passed/);
    expect(await balanceOf(manifest, DEMO!.address, seller.address)).toBe(sellerAsset);
    expect(await balanceOf(manifest, USDC!.address, buyer.address)).toBe(buyerCash);
    expect(await escrowStatus(done)).toBe('Refunded');
    const last = (await trail(created.id)).at(-1)!;
    expect(last).toMatchObject({ fromState: 'AWAITING_DEPOSITS', toState: 'ROLLED_BACK', triggeredBy: 'workflow:timeout' });
    expect(last.payload).toMatchObject({ refund: { outcome: 'refunded', refundedLegs: [0] } });
  });

  it('rolls back a sanctioned party name before any escrow exists, naming the list entry', async () => {
    const body = dvpInstruction(manifest);
    body.parties[0]!.name = 'Banco Nacional de Cuba';
    const { done, events } = await screenedOut(body);
    expect(events.map((e) => e.toState)).toEqual(['INSTRUCTED', 'COMPLIANCE_CHECKING', 'ROLLED_BACK']);
    expect(events.at(-1)!.payload).toMatchObject({
      screening: { outcome: 'failed', matches: [{ partyRole: 'buyer', layer: 'name', list: 'ofac-sdn', entryId: '306' }] },
    });
    expect(await escrowStatus(done)).toBe('None');
  });

  it('rolls back a sanctioned wallet before any escrow exists', async () => {
    const body = dvpInstruction(manifest);
    body.parties[1]!.wallet_address = '0x7F19720A857F834887FC9A7bC0a0fBe7Fc7f8102';
    const { done, events } = await screenedOut(body);
    expect(events.map((e) => e.toState)).not.toContain('REGISTERING_ESCROW');
    expect(events.at(-1)!.payload).toMatchObject({ screening: { matches: [{ partyRole: 'seller', layer: 'wallet', list: 'ofac-sdn' }] } });
    expect(await escrowStatus(done)).toBe('None');
  });
});
