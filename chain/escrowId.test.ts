import { describe, expect, it } from 'vitest';
import { escrowIdFor, settlementUuidFromEscrowId } from './escrowId.ts';

describe('escrow id', () => {
  it('round-trips a settlement uuid', () => {
    const uuid = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    const id = escrowIdFor(uuid);
    expect(id).toBe('0x000000000000000000000000000000003f2504e04f8941d39a0c0305e82c3301');
    expect(settlementUuidFromEscrowId(id)).toBe(uuid);
  });

  it('normalises upper-case input to lower case', () => {
    const id = escrowIdFor('3F2504E0-4F89-41D3-9A0C-0305E82C3301');
    expect(settlementUuidFromEscrowId(id)).toBe('3f2504e0-4f89-41d3-9a0c-0305e82c3301');
  });

  it('rejects malformed input', () => {
    expect(() => escrowIdFor('3f2504e04f8941d39a0c0305e82c3301')).toThrow(/not a UUID/);
    expect(() => settlementUuidFromEscrowId(`0x01${'0'.repeat(62)}`)).toThrow(/not an escrow id/);
    expect(() => settlementUuidFromEscrowId('0x3f2504e04f8941d39a0c0305e82c3301')).toThrow(/not an escrow id/);
  });
});
