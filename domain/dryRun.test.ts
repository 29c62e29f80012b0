import { describe, expect, it } from 'vitest';
import { allPassed, approvalsFor, timeoutRoom } from './dryRun.ts';

const seller = '0x00000000000000000000000000000000000000a1';
const buyer = '0x00000000000000000000000000000000000000b2';
const bond = '0x00000000000000000000000000000000000000c3';
const usdc = '0x00000000000000000000000000000000000000d4';

describe('approvalsFor', () => {
  it('asks one approval per depositor and token, of all its legs at once, and none where the allowance covers them', () => {
    const allowances: Record<string, bigint> = { [`${seller}:${bond}`]: 5n, [`${buyer}:${usdc}`]: 10n ** 30n };
    const approvals = approvalsFor(
      [
        { index: 0, depositor: seller, token: bond, amount: 3n },
        { index: 1, depositor: buyer, token: usdc, amount: 100_000_000n },
        { index: 2, depositor: seller.toUpperCase().replace('0X', '0x'), token: bond, amount: 4n },
      ],
      (depositor, token) => allowances[`${depositor.toLowerCase()}:${token}`]!,
    );
    // 3 + 4 of the bond from the seller: an allowance of 5 covers each leg alone, not both.
    expect(approvals).toEqual([
      { depositor: seller, token: bond, legs: [0, 2], amount: 7n, allowance: 5n, needed: true },
      { depositor: buyer, token: usdc, legs: [1], amount: 100_000_000n, allowance: 10n ** 30n, needed: false },
    ]);
  });

  it('keeps amounts beyond a float exact', () => {
    const big = 2n ** 200n + 1n;
    const [approval] = approvalsFor([{ index: 0, depositor: seller, token: bond, amount: big }], () => big - 1n);
    expect(approval).toMatchObject({ amount: big, needed: true });
  });
});

describe('timeoutRoom', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it('counts the minimum lead, then approve, deposit, the confirmations on top of it and the swap', () => {
    const room = timeoutRoom({ now, timeoutAt: at(3600), minLeadMs: 60_000, confirmations: 2, blockSeconds: 12, approvalsNeeded: true });
    expect(room).toMatchObject({ ok: true, secondsLeft: 3600, blocksNeeded: 4, secondsNeeded: 60 + 4 * 12 });
    expect(room.detail).toMatch(/approve, deposit, 2 confirmations, swap/);
  });

  it('needs no approve block when the allowances cover the deposits', () => {
    expect(timeoutRoom({ now, timeoutAt: at(3600), minLeadMs: 5000, confirmations: 1, blockSeconds: 1, approvalsNeeded: false })).toMatchObject({ blocksNeeded: 2, secondsNeeded: 7 });
  });

  it('fails a timeout too close for the confirmations, saying what it needs', () => {
    const room = timeoutRoom({ now, timeoutAt: at(100), minLeadMs: 60_000, confirmations: 12, blockSeconds: 12, approvalsNeeded: true });
    expect(room).toMatchObject({ ok: false, secondsLeft: 100, secondsNeeded: 60 + 14 * 12 });
    expect(room.detail).toMatch(/too close: the settlement needs at least 228 s .*12 confirmations/);
  });

  it('fails a timeout already past', () => {
    expect(timeoutRoom({ now, timeoutAt: at(-5), minLeadMs: 0, confirmations: 0, blockSeconds: 1, approvalsNeeded: false })).toMatchObject({ ok: false, secondsLeft: -5 });
  });
});

describe('allPassed', () => {
  it('is true only when every check passed', () => {
    const check = (ok: boolean) => ({ check: 'balance' as const, ok, party: 'seller', leg: 0, detail: '' });
    expect(allPassed([check(true), check(true)])).toBe(true);
    expect(allPassed([check(true), check(false)])).toBe(false);
  });
});
