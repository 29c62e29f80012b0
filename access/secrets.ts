// Client secrets and Web Office passwords are stored as salted scrypt hashes; the plain
// secret exists only in the request that sets it (and, for a client secret, the response
// that creates it).

import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: ScryptOptions) => Promise<Buffer>;
const KEY_LENGTH = 32;

/** scrypt's cost: N (a power of two), r and p. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * Node's default cost (N=2^14, r=8: 16 MiB). Enough for a client secret, which is 256 random
 * bits: no guessing can reach it, so the hash need only make a stolen table useless, not slow.
 */
export const SECRET_COST: ScryptCost = { N: 2 ** 14, r: 8, p: 1 };

/**
 * A person's password can be guessed, so each guess must cost memory as well as time. OWASP's
 * password storage guidance lists N=2^17, r=8, p=1 (128 MiB) and, as equally strong, N=2^15,
 * r=8, p=3: we take the latter, 32 MiB per hash (128·N·r bytes), so the four threads of libuv's
 * pool hashing at once hold 128 MiB beside an API process of about 300 MB; a hash takes about
 * 0.3 s on this project's 2-core machine (2^17 with p=1 took twice that). The cost is stored in each hash, so it can be raised
 * later while older hashes keep verifying.
 */
export const PASSWORD_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };

/** Node refuses scrypt above 32 MiB unless told; twice what the cost needs. */
const maxmem = (cost: ScryptCost) => 256 * cost.N * cost.r;

export function newClientId(): string {
  return `ls_${randomBytes(12).toString('hex')}`;
}

export function newClientSecret(): string {
  return `lss_${randomBytes(32).toString('base64url')}`;
}

/** `scrypt$<salt>$<key>` at SECRET_COST (the form every client secret has had), else `scrypt$N=..,r=..,p=..$<salt>$<key>`. */
export async function hashSecret(secret: string, cost: ScryptCost = SECRET_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, KEY_LENGTH, { ...cost, maxmem: maxmem(cost) });
  const parts = cost === SECRET_COST ? [] : [`N=${cost.N},r=${cost.r},p=${cost.p}`];
  return ['scrypt', ...parts, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time: the comparison takes as long wherever the keys differ. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt' || (parts.length !== 3 && parts.length !== 4)) return false;
  const cost = parts.length === 4 ? costOf(parts[1]!) : SECRET_COST;
  const [salt, key] = parts.slice(-2) as [string, string];
  if (!cost || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, { ...cost, maxmem: maxmem(cost) });
  return timingSafeEqual(actual, expected);
}

function costOf(text: string): ScryptCost | undefined {
  const match = /^N=(\d+),r=(\d+),p=(\d+)$/.exec(text);
  return match ? { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) } : undefined;
}
