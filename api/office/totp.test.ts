import { describe, expect, it } from 'vitest';
import { acceptTotp, base32Decode, base32Encode, hotp, newTotpSecret, otpauthUri, totp, type TotpAlgorithm } from './totp.ts';

// RFC 6238 appendix B: the seeds are the ASCII digits "1234567890" repeated to the hash's length.
const seed = (length: number) => Buffer.from('1234567890'.repeat(7).slice(0, length), 'ascii');
const SEEDS: Record<TotpAlgorithm, Buffer> = { sha1: seed(20), sha256: seed(32), sha512: seed(64) };
const RFC6238: [number, string, TotpAlgorithm][] = [
  [59, '94287082', 'sha1'], [59, '46119246', 'sha256'], [59, '90693936', 'sha512'],
  [1111111109, '07081804', 'sha1'], [1111111109, '68084774', 'sha256'], [1111111109, '25091201', 'sha512'],
  [1111111111, '14050471', 'sha1'], [1111111111, '67062674', 'sha256'], [1111111111, '99943326', 'sha512'],
  [1234567890, '89005924', 'sha1'], [1234567890, '91819424', 'sha256'], [1234567890, '93441116', 'sha512'],
  [2000000000, '69279037', 'sha1'], [2000000000, '90698825', 'sha256'], [2000000000, '38618901', 'sha512'],
  [20000000000, '65353130', 'sha1'], [20000000000, '77737706', 'sha256'], [20000000000, '47863826', 'sha512'],
];

describe('TOTP', () => {
  it.each(RFC6238)("matches RFC 6238's test vector at T=%i: %s (%s)", (time, code, algorithm) => {
    expect(totp(SEEDS[algorithm], time, { period: 30, digits: 8, algorithm })).toBe(code);
  });

  it("matches RFC 4226's HOTP test values", () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, i) => hotp(seed(20), BigInt(i), 6, 'sha1'))).toEqual(expected);
  });

  it('round-trips base32 as RFC 4648 spells it', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Encode(base32Decode(secret))).toBe(secret);
  });

  it('accepts a code of now or a step either side, once, and nothing else', () => {
    const secret = base32Encode(seed(20));
    const now = 1_234_567_890;
    const code = totp(seed(20), now);
    const step = acceptTotp(secret, code, now, null);
    expect(step).toBe(BigInt(Math.floor(now / 30)));
    expect(acceptTotp(secret, code, now, step)).toBeNull();
    expect(acceptTotp(secret, totp(seed(20), now - 30), now, null)).toBe(step! - 1n);
    expect(acceptTotp(secret, totp(seed(20), now + 30), now, null)).toBe(step! + 1n);
    expect(acceptTotp(secret, totp(seed(20), now - 90), now, null)).toBeNull();
    expect(acceptTotp(secret, '12345', now, null)).toBeNull();
    expect(acceptTotp(secret, 'abcdef', now, null)).toBeNull();
  });

  it('writes the otpauth URI authenticator apps read', () => {
    expect(otpauthUri('MZXW6YTBOI', 'Lockstep demo-platform', 'ann@example.com')).toBe(
      'otpauth://totp/Lockstep%20demo-platform:ann%40example.com?secret=MZXW6YTBOI&issuer=Lockstep+demo-platform&algorithm=SHA1&digits=6&period=30',
    );
  });
});
