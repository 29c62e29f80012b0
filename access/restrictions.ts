// A client's restrictions, as IsSettled has them: the addresses it may call from and the
// endpoints it may call. (Its wallet restriction narrows which settlements it sees: see
// db/settlementScope.ts.)

import { BlockList, isIP } from 'node:net';

/** An IPv4 address as IPv6 (::ffff:10.1.2.3), as a dual-stack socket reports it, is that IPv4 address. */
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** A CIDR range or a single address; undefined when it is neither. */
function parseRange(range: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', bits] = range.trim().split('/');
  const version = isIP(address);
  if (!version) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export const isIpRange = (range: string): boolean => parseRange(range) !== undefined;

export function ipAllowed(ranges: string[], address: string): boolean {
  const list = new BlockList();
  for (const r of ranges.map(parseRange)) if (r) list.addSubnet(r.address, r.prefix, r.family);
  const ip = plain(address);
  const version = isIP(ip);
  return version !== 0 && list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}

/** "METHOD /path" with * for one path segment, e.g. "GET /v1/settlements/*"; method * for any. */
// eslint-disable-next-line no-control-regex -- U+0000 is refused on purpose: PostgreSQL's text cannot hold it.
export const ENDPOINT_PATTERN = /^(\*|GET|POST|PUT|PATCH|DELETE) \/[^\s?#\u0000]*$/;

export function endpointPermitted(patterns: string[], method: string, path: string): boolean {
  const segments = path.replace(/\/+$/, '').split('/');
  return patterns.some((pattern) => {
    const [m, p = ''] = pattern.split(' ');
    const wanted = p.replace(/\/+$/, '').split('/');
    return (m === '*' || m === method) && wanted.length === segments.length && wanted.every((w, i) => w === '*' || w === segments[i]);
  });
}
