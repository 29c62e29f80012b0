// Quantities travel as decimal strings and become integer base units with the
// token's decimals. A JS number never holds an amount: 0.1 + 0.2 is not money.

import { LockstepError } from './errors.ts';

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
/** Token amounts are uint256 on-chain. */
export const MAX_UNITS = 2n ** 256n - 1n;

export class InvalidQuantityError extends LockstepError {
  override readonly name = 'InvalidQuantityError';
}

/** "1.25E+3" → "1250", "5E-7" → "0.0000005": a decimal in exponent form written out, exactly (no float). */
export function plainDecimal(quantity: string): string {
  const match = /^(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/.exec(quantity);
  if (!match) return quantity;
  const digits = match[1]! + (match[2] ?? '');
  const point = match[1]!.length + Number(match[3]);
  // An exponent this far out is no token quantity; left as it is, toBaseUnits refuses it.
  if (Math.abs(point) > 200) return quantity;
  const padded = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  const [whole, fraction] = padded.split('.');
  const trimmedWhole = whole!.replace(/^0+(?=\d)/, '');
  return fraction ? `${trimmedWhole}.${fraction}` : trimmedWhole;
}

/** "1.5" with 6 decimals → 1500000n. Rejects negatives, zero, exponents and excess precision. */
export function toBaseUnits(quantity: string, decimals: number): bigint {
  const match = DECIMAL.exec(quantity);
  if (!match) throw new InvalidQuantityError(`"${quantity}" is not a positive decimal string such as "100" or "12.5"`);
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) {
    throw new InvalidQuantityError(`"${quantity}" has ${fraction.length} decimal places; this instrument allows ${decimals}`);
  }
  const units = BigInt(whole + fraction.padEnd(decimals, '0'));
  if (units === 0n) throw new InvalidQuantityError('quantity must be greater than zero');
  if (units > MAX_UNITS) throw new InvalidQuantityError(`"${quantity}" is more than a token amount can hold`);
  return units;
}

/** 1500000n with 6 decimals → "1.5" (canonical: no trailing zeros, no leading zeros). */
export function fromBaseUnits(units: bigint, decimals: number): string {
  if (units < 0n) throw new InvalidQuantityError('base units cannot be negative');
  const digits = units.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}
