// TOTP (RFC 6238) over HOTP (RFC 4226) on Node's crypto: the codes of authenticator apps.
// Secrets travel as base32 (RFC 4648), the form otpauth:// URIs and the apps use.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpOptions {
  /** Seconds a code lasts (RFC 6238's X). */
  period: number;
  digits: number;
  algorithm: TotpAlgorithm;
}

/** What every authenticator app understands: 30 s, 6 digits, HMAC-SHA1. */
export const TOTP_DEFAULTS: TotpOptions = { period: 30, digits: 6, algorithm: 'sha1' };
/** Codes one step either side of now are accepted too: a phone's clock a little off, a code typed as it turned. */
const DRIFT_STEPS = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** 160 random bits, RFC 4226's recommended length for a shared secret. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** RFC 4226 section 5.3: HMAC of the 8-byte counter, dynamically truncated to `digits` digits. */
export function hotp(key: Buffer, counter: bigint, digits: number, algorithm: TotpAlgorithm): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const totpStep = (unixSeconds: number, period = TOTP_DEFAULTS.period) => BigInt(Math.floor(unixSeconds / period));

export function totp(key: Buffer, unixSeconds: number, options: TotpOptions = TOTP_DEFAULTS): string {
  return hotp(key, totpStep(unixSeconds, options.period), options.digits, options.algorithm);
}

/**
 * The time step `code` is good for, within a step of now and later than `lastStep` (a code is
 * accepted once, so one seen over a shoulder or replayed is refused); null when none.
 */
export function acceptTotp(secret: string, code: string, unixSeconds: number, lastStep: bigint | null): bigint | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = base32Decode(secret);
  const now = totpStep(unixSeconds);
  let accepted: bigint | null = null;
  // Every candidate is computed and compared, so the time taken says nothing about which matched.
  for (let d = -DRIFT_STEPS; d <= DRIFT_STEPS; d++) {
    const step = now + BigInt(d);
    const expected = hotp(key, step, TOTP_DEFAULTS.digits, TOTP_DEFAULTS.algorithm);
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(code)) && (lastStep === null || step > lastStep)) accepted = step;
  }
  return accepted;
}

/** The otpauth:// URI an authenticator app reads (as a QR code, or typed in). */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: String(TOTP_DEFAULTS.digits), period: String(TOTP_DEFAULTS.period) });
  return `otpauth://totp/${label}?${params.toString()}`;
}
