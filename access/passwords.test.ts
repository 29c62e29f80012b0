import { describe, expect, it } from 'vitest';
import { hashSecret, PASSWORD_COST, verifySecret } from './secrets.ts';
import { hashPassword, newPassword, passwordProblem, PASSWORD_MIN_LENGTH } from './passwords.ts';

describe('passwords', () => {
  it('are hashed with their memory-hard cost written in the hash, salted, and verify', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(new RegExp(`^scrypt\\$N=${PASSWORD_COST.N},r=${PASSWORD_COST.r},p=${PASSWORD_COST.p}\\$`));
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
    expect(await verifySecret('correct horse battery', hash)).toBe(true);
    expect(await verifySecret('correct horse batterx', hash)).toBe(false);
  });

  it('leave client secrets hashed and verified as before', async () => {
    const hash = await hashSecret('lss_secret');
    expect(hash.split('$')).toHaveLength(3);
    expect(await verifySecret('lss_secret', hash)).toBe(true);
    expect(await verifySecret('lss_other', hash)).toBe(false);
  });

  it('refuse a malformed stored hash rather than throw', async () => {
    expect(await verifySecret('x', 'bcrypt$abc$def')).toBe(false);
    expect(await verifySecret('x', 'scrypt$N=x$abc$def')).toBe(false);
  });

  it('must be long enough, not absurdly long, and not the email', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH - 1), 'ann@example.com')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(200), 'ann@example.com')).toMatch(/at most 128/);
    expect(passwordProblem('abababababababab', 'ann@example.com')).toMatch(/repeat/);
    expect(passwordProblem('my-name-is-ann-ok', 'ann@example.com')).toMatch(/email/);
    expect(passwordProblem('tulip staircase 42', 'ann@example.com')).toBeNull();
    expect(passwordProblem(newPassword(), 'ann@example.com')).toBeNull();
  });
});
