// Web Office passwords: the policy a new one must meet, and its hash (access/secrets.ts,
// at the memory-hard PASSWORD_COST).

import { randomBytes } from 'node:crypto';
import { hashSecret, PASSWORD_COST } from './secrets.ts';

/**
 * NIST SP 800-63B's advice: length is what makes a password strong, so we ask for 12 characters
 * and no composition rules; the upper bound keeps one login from costing more than its hash.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** Why `password` cannot be used, or null. */
export function passwordProblem(password: string, email: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (new Set(password).size < 4) return 'must not repeat a few characters over and over';
  const lower = password.toLowerCase();
  if (lower.includes(email.toLowerCase()) || lower.includes(email.toLowerCase().split('@')[0]!)) return 'must not contain the email address';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hashSecret(password, PASSWORD_COST);
}

/** A first password an administrator hands on: 144 random bits, well past the policy. */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}
