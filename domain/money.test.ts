import { describe, expect, it } from 'vitest';
import { fromBaseUnits, InvalidQuantityError, plainDecimal, toBaseUnits } from './money.ts';

describe('money', () => {
  it('converts decimal strings exactly', () => {
    expect(toBaseUnits('50000', 6)).toBe(50_000_000_000n);
    expect(toBaseUnits('0.1', 18)).toBe(100_000_000_000_000_000n);
    expect(toBaseUnits('12.500', 2)).toBe(1250n);
    expect(toBaseUnits('123456789012345678901234567890', 0)).toBe(123456789012345678901234567890n);
  });
  it('rejects what is not a positive decimal with the allowed precision', () => {
    for (const bad of ['-1', '1e3', '1.', '.5', '', ' 1', '0', '0.000', 'abc', '1,5']) {
      expect(() => toBaseUnits(bad, 6), bad).toThrow(InvalidQuantityError);
    }
    expect(() => toBaseUnits('1.0000001', 6)).toThrow(/7 decimal places/);
  });
  it('round-trips to a canonical string', () => {
    expect(fromBaseUnits(1_500_000n, 6)).toBe('1.5');
    expect(fromBaseUnits(5n, 6)).toBe('0.000005');
    expect(fromBaseUnits(toBaseUnits('100', 18), 18)).toBe('100');
  });
});

describe('plainDecimal', () => {
  it("writes out Python's Decimal exponent forms exactly", () => {
    expect(plainDecimal('1E+3')).toBe('1000');
    expect(plainDecimal('1.25E+3')).toBe('1250');
    expect(plainDecimal('1.2345E+2')).toBe('123.45');
    expect(plainDecimal('5E-7')).toBe('0.0000005');
    expect(plainDecimal('12.5e-1')).toBe('1.25');
    expect(plainDecimal('100.50')).toBe('100.50');
    expect(toBaseUnits(plainDecimal('1E-6'), 6)).toBe(1n);
  });

  it('leaves an absurd exponent for toBaseUnits to refuse', () => {
    expect(() => toBaseUnits(plainDecimal('1E+999999'), 18)).toThrow(InvalidQuantityError);
  });
});
