// Settlements of a permissioned ERC-3643 (T-REX) asset against USDC: the test token of
// contracts/test/erc3643, with its identity registry and compliance contract, deployed on the
// stack's chain. The engine checks what the token will allow at create time (a 422 naming the
// party, the leg and the rule) and again before registering and before the swap (a rollback,
// every deposit refunded, the rule in the trail). A matched pair of instructions is checked
// before registration only: its settlement is made under the trade's lock, where no chain is read.

import { beforeAll, describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../cli/apiClient.ts';
import { guideSides } from '../../cli/instruction.ts';
import { lockstepEscrowAbi } from '../../contracts/generated/LockstepEscrow.ts';
import { deployBond } from '../support/erc3643.ts';
import { stackContext, withServices } from '../support/services.ts';
import { balanceOf, depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();
const { buyer, seller } = manifest.wallets;
const USDC = manifest.chain.tokens.USDC!.address;
const SHARES = 100n;

type Bond = Awaited<ReturnType<typeof deployBond>>;
let token: Bond['token'];
let registry: Bond['registry'];
let mined: Bond['mined'];
let reader: Bond['reader'];

beforeAll(async () => {
  ({ token, registry, mined, reader } = await deployBond(manifest, 10n * SHARES));
});

/** The guide's DvP with the asset leg in the bond, named as ERC-3643. */
function bondInstruction() {
  const body = dvpInstruction(manifest);
  Object.assign(body.legs[0]!, { instrument_id: token, quantity: String(SHARES), token_standard: 'ERC-3643' });
  return body;
}

describe('a DvP of an ERC-3643 asset against USDC', () => {
  it('reaches FINALIZED when the token allows every movement', async () => {
    const before = { sellerBonds: await balanceOf(manifest, token, seller.address), buyerBonds: await balanceOf(manifest, token, buyer.address) };
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', bondInstruction());
    expect(created.legs.map((l) => l.token_standard)).toEqual(['erc3643', 'erc20']);

    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    expect((await waitForState(services().api, created.id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');
    expect(await balanceOf(manifest, token, seller.address)).toBe(before.sellerBonds - SHARES);
    expect(await balanceOf(manifest, token, buyer.address)).toBe(before.buyerBonds + SHARES);
  });

  it('refuses at create, with a 422 naming the party, the leg and the rule, a buyer the identity registry does not verify', async () => {
    await mined(registry.write.deleteIdentity([buyer.address]));
    try {
      const before = await services().db.settlement.count();
      const error = await services().api.request('POST', '/v1/settlements', bondInstruction()).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ApiRequestError);
      expect((error as ApiRequestError).status).toBe(422);
      const detail = (error as ApiRequestError).body.detail as { loc: (string | number)[]; msg: string; type: string }[];
      expect(detail).toEqual([
        {
          loc: ['body', 'legs', 0, 'token_standard'],
          msg: expect.stringMatching(/^leg 0: party "buyer" \(0x[0-9a-fA-F]{40}\) is not verified in token 0x[0-9a-fA-F]{40}'s identity registry/),
          type: 'erc3643_not_verified',
        },
      ]);
      expect(await services().db.settlement.count()).toBe(before);
    } finally {
      await mined(registry.write.registerIdentity([buyer.address, buyer.address, 56]));
    }
  });

  it('rolls back and refunds every deposit when the buyer is no longer verified at the swap, with the rule in the trail', async () => {
    const before = { sellerBonds: await balanceOf(manifest, token, seller.address), buyerCash: await balanceOf(manifest, USDC, buyer.address) };
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', bondInstruction());
    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'buyer');
    // The buyer has paid; its verification is revoked before the seller's shares come in.
    await mined(registry.write.deleteIdentity([buyer.address]));
    try {
      await depositAs(manifest, awaiting, 'seller');
      const done = await waitForState(services().api, created.id, ['FINALIZED', 'ROLLED_BACK']);
      expect(done.state).toBe('ROLLED_BACK');
      expect(done.failure_reason).toMatch(/^ERC-3643 check failed: leg 0: party "buyer" \(0x[0-9a-fA-F]{40}\) is not verified in token .* \[not_verified\]$/);

      const last = await services().db.settlementEvent.findFirstOrThrow({ where: { settlementId: created.id }, orderBy: { sequence: 'desc' } });
      expect(last.toState).toBe('ROLLED_BACK');
      expect(last.payload).toMatchObject({ reason: done.failure_reason, refund: { refundedLegs: [0, 1], unpaidLegs: [] } });
      expect(await balanceOf(manifest, token, seller.address)).toBe(before.sellerBonds);
      expect(await balanceOf(manifest, USDC, buyer.address)).toBe(before.buyerCash);
    } finally {
      await mined(registry.write.registerIdentity([buyer.address, buyer.address, 56]));
    }
  });

  it('rolls back before the escrow is registered a matched trade whose buyer the registry does not verify', async () => {
    await mined(registry.write.deleteIdentity([buyer.address]));
    try {
      const sides = guideSides(manifest);
      for (const side of Object.values(sides)) {
        const legs = side.legs as Record<string, unknown>[];
        Object.assign(legs[0]!, { instrument_id: token, quantity: String(SHARES), token_standard: 'ERC-3643' });
      }
      const first = await services().api.request<{ trade_reference: string }>('POST', '/v1/instructions', sides.seller);
      const second = await services().api.request<{ settlement_id: string }>('POST', '/v1/instructions', { ...sides.buyer, trade_reference: first.trade_reference });
      const done = await waitForState(services().api, second.settlement_id, ['FINALIZED', 'ROLLED_BACK']);
      expect(done.state).toBe('ROLLED_BACK');
      expect(done.failure_reason).toMatch(/^ERC-3643 check failed: leg 0: party "buyer" .* \[not_verified\]$/);
      const states = (await services().db.settlementEvent.findMany({ where: { settlementId: done.id }, orderBy: { sequence: 'asc' } })).map((e) => e.toState);
      expect(states).toEqual(['INSTRUCTED', 'COMPLIANCE_CHECKING', 'COMPLIANCE_CLEARED', 'REGISTERING_ESCROW', 'ROLLED_BACK']);
      const [status] = await reader.readContract({ address: manifest.chain.escrow_address, abi: lockstepEscrowAbi, functionName: 'getEscrow', args: [done.escrow.escrow_id] });
      expect(status).toBe(0); // never registered: nobody could deposit into it
    } finally {
      await mined(registry.write.registerIdentity([buyer.address, buyer.address, 56]));
    }
  });
});
