import { describe, expect, it } from 'vitest';
import { checkInstruction, InstructionError, transferOf, type LegInstruction, type PartyInstruction } from './settlement.ts';
import { DVP_STANDARD } from './template.ts';

const parties: PartyInstruction[] = [
  { role: 'buyer', external_reference: 'a', name: 'Alice', wallet_address: '0x1111111111111111111111111111111111111111', chain_id: 31337 },
  { role: 'seller', external_reference: 'b', name: 'Bob', wallet_address: '0x2222222222222222222222222222222222222222', chain_id: 31337 },
];
const legs: LegInstruction[] = [
  { leg_type: 'asset', instrument_id: 'DEMO', quantity: '1', direction: 'deliver', party_role: 'seller' },
  { leg_type: 'payment', instrument_id: 'USDC', quantity: '2', direction: 'deliver', party_role: 'buyer' },
];

describe('transferOf', () => {
  it('pays a deliver leg from its party to the counterparty, and a receive leg the other way', () => {
    expect(transferOf(legs[0]!, parties)).toEqual({ fromRole: 'seller', toRole: 'buyer' });
    expect(transferOf({ ...legs[0]!, direction: 'receive', party_role: 'buyer' }, parties)).toEqual({ fromRole: 'seller', toRole: 'buyer' });
  });
});

describe('checkInstruction', () => {
  const refusal = (p: PartyInstruction[], l: LegInstruction[]) => {
    try {
      checkInstruction(p, l, DVP_STANDARD.config);
    } catch (err) {
      if (err instanceof InstructionError) return { message: err.message, loc: err.loc };
      throw err;
    }
    return undefined;
  };

  it('accepts the guide example', () => {
    expect(refusal(parties, legs)).toBeUndefined();
  });
  it('names what is wrong', () => {
    expect(refusal([parties[0]!, { ...parties[1]!, role: 'buyer' }], legs)?.loc).toEqual(['parties', 1, 'role']);
    expect(refusal([parties[0]!, { ...parties[1]!, role: 'agent' }], legs)?.message).toMatch(/requires the role\(s\): seller/);
    expect(refusal([parties[0]!, { ...parties[1]!, chain_id: 1 }], legs)?.message).toMatch(/same chain/);
    expect(refusal([parties[0]!, { ...parties[1]!, wallet_address: parties[0]!.wallet_address.toUpperCase().replace('0X', '0x') }], legs)?.message).toMatch(/own wallet/);
    expect(refusal(parties, [{ ...legs[0]!, party_role: 'broker' }, legs[1]!])?.loc).toEqual(['legs', 0, 'party_role']);
    expect(refusal(parties, [legs[0]!])?.message).toMatch(/leg type\(s\): payment/);
  });
  it('counts asset_delivery as an asset leg', () => {
    expect(refusal(parties, [{ ...legs[0]!, leg_type: 'asset_delivery' }, legs[1]!])).toBeUndefined();
  });
});
