// Ids KeyStone's objects carry where Lockstep's rows have a natural key instead (an
// environment is a platform and a name, a party a settlement and a role, a leg a settlement
// and an index): name-based UUIDs (RFC 9562 version 5), the same for the same row forever.

import { createHash } from 'node:crypto';

// Lockstep's own namespace for these names (a random UUID, fixed once).
const NAMESPACE = Buffer.from('7b0f4c52e7a94d2b9a61c3f05b8e2d17', 'hex');

export function derivedId(...parts: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.join('\u0000')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A deployment has few environments, and every settlement shown names one or two.
const environmentIds = new Map<string, string>();
export function environmentIdOf(platformId: string, environment: string): string {
  const key = `${platformId}/${environment}`;
  let id = environmentIds.get(key);
  if (id === undefined) {
    if (environmentIds.size >= 10_000) environmentIds.clear();
    environmentIds.set(key, (id = derivedId('environment', platformId, environment)));
  }
  return id;
}
export const partyIdOf = (settlementId: string, role: string) => derivedId('party', settlementId, role);
export const legIdOf = (settlementId: string, index: number) => derivedId('leg', settlementId, String(index));
