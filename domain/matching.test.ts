import { describe, expect, it } from 'vitest';
import { mismatches, type InstructionSide, type SideLeg } from './matching.ts';

const DEMO = '0x00000000000000000000000000000000000000d1';
const USDC = '0x00000000000000000000000000000000000000c2';
const ROLES = ['buyer', 'seller'];

const leg = (over: Partial<SideLeg>): SideLeg => ({ legType: 'asset_delivery', instrumentId: DEMO, token: DEMO, chainId: 31337, quantity: '100', amount: 100n * 10n ** 18n, direction: 'deliver', ...over });
const seller = (): InstructionSide => ({
  templateSlug: 'dvp-standard',
  role: 'seller',
  legs: [leg({}), leg({ legType: 'payment', instrumentId: 'USDC', token: USDC, quantity: '50000.25', amount: 50_000_250_000n, direction: 'receive' })],
});
const buyer = (): InstructionSide => ({
  templateSlug: 'dvp-standard',
  role: 'buyer',
  legs: [leg({ direction: 'receive' }), leg({ legType: 'payment', instrumentId: 'USDC', token: USDC, quantity: '50000.25', amount: 50_000_250_000n, direction: 'deliver' })],
});

describe('matching two sides of a trade', () => {
  it('matches the two sides of one trade, whatever order the legs come in', () => {
    const b = buyer();
    b.legs.reverse();
    expect(mismatches(b, seller(), ROLES)).toEqual([]);
  });

  it('matches equal quantities written differently', () => {
    const b = buyer();
    b.legs[0] = { ...b.legs[0]!, quantity: '100.000' };
    b.legs[1] = { ...b.legs[1]!, quantity: '50000.250000' };
    expect(mismatches(b, seller(), ROLES)).toEqual([]);
  });

  // Each rule broken alone: exactly that mismatch.
  it.each<[string, (b: InstructionSide) => void, { field: string; ours: string | null; theirs: string | null }]>([
    ['another template', (b) => (b.templateSlug = 'dvp-review'), { field: 'template_slug', ours: 'dvp-review', theirs: 'dvp-standard' }],
    ['the same role', (b) => (b.role = 'seller'), { field: 'role', ours: 'seller', theirs: 'seller' }],
    ['a role the template does not have', (b) => (b.role = 'custodian'), { field: 'role', ours: 'custodian', theirs: 'seller' }],
    ['another quantity', (b) => (b.legs[1] = { ...b.legs[1]!, quantity: '50000.26', amount: 50_000_260_000n }), { field: 'legs[1].quantity', ours: '50000.26', theirs: '50000.25' }],
    ['the same direction', (b) => (b.legs[0] = { ...b.legs[0]!, direction: 'deliver' }), { field: 'legs[0].direction', ours: 'deliver', theirs: 'deliver' }],
    ['another leg type', (b) => (b.legs[1] = { ...b.legs[1]!, legType: 'asset_delivery' }), { field: 'legs[1].leg_type', ours: 'asset_delivery', theirs: 'payment' }],
    ['another chain', (b) => (b.legs[0] = { ...b.legs[0]!, chainId: 1 }), { field: 'legs[0].instrument_id', ours: DEMO, theirs: null }],
  ])('lists %s, and nothing else', (_, change, expected) => {
    const b = buyer();
    change(b);
    const found = mismatches(b, seller(), ROLES);
    // Another chain also leaves the counterparty's leg unpaired: the same difference, seen from their side.
    const own = found.filter((m) => m.field !== 'legs');
    expect(own).toEqual([expect.objectContaining(expected)]);
    expect(own[0]!.reason).not.toBe('');
  });

  it('lists a leg only one side has, from both sides', () => {
    const b = buyer();
    b.legs.pop();
    expect(mismatches(b, seller(), ROLES)).toEqual([expect.objectContaining({ field: 'legs', ours: null, theirs: 'USDC' })]);
    expect(mismatches(seller(), b, ROLES)).toEqual([expect.objectContaining({ field: 'legs[1].instrument_id', ours: 'USDC', theirs: null })]);
  });

  it('lists every difference at once', () => {
    const b = buyer();
    b.role = 'seller';
    b.legs[1] = { ...b.legs[1]!, quantity: '1', amount: 1_000_000n };
    expect(mismatches(b, seller(), ROLES).map((m) => m.field)).toEqual(['role', 'legs[1].quantity']);
  });
});
