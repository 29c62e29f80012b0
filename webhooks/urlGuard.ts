// Webhook targets are URLs that participants give us, and the engine calls them from inside our
// network: unchecked, a participant could make it call the cloud metadata service, a database
// port or an admin page that trusts its neighbours (server-side request forgery). A URL is judged
// by every address its host resolves to, and the request itself should use guardedLookup so that
// the address connected to is the one judged. Node connects to an IP literal without calling
// `lookup`, so a request must pass checkUrl as well; and redirects must not be followed unchecked.

import { lookup as lookupCallback, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { LockstepError } from '../domain/errors.ts';

export interface UrlPolicy {
  /** https only (production environments). */
  requireHttps: boolean;
  /** Loopback, private, link-local and similar addresses allowed (a development setting; never in production). */
  allowPrivate: boolean;
}

export class UnsafeUrlError extends LockstepError {
  override name = 'UnsafeUrlError';
}

const MAX_URL_LENGTH = 2048;

/** Resolves to the metadata address, but a name is refused before DNS has a say. */
const METADATA_HOSTS = new Set(['metadata.google.internal']);

function blockList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const slash = cidr.indexOf('/');
    const network = cidr.slice(0, slash);
    list.addSubnet(network, Number(cidr.slice(slash + 1)), isIP(network) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** Credentials for the cloud account, refused even in development: no webhook belongs there. */
const METADATA = blockList(['169.254.169.254/32', 'fd00:ec2::254/128']);

/** Kept apart from the lists below: BlockList matches IPv4 rules against IPv4-mapped addresses and back. */
const EMBEDS_IPV4 = blockList(['::ffff:0:0/96', '64:ff9b::/96']);

const NOT_PUBLIC: [what: string, ranges: BlockList][] = [
  ['an unspecified address', blockList(['0.0.0.0/8', '::/128'])],
  ['a loopback address', blockList(['127.0.0.0/8', '::1/128'])],
  ['a private address', blockList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'])],
  ['a shared (carrier-grade NAT) address', blockList(['100.64.0.0/10'])],
  ['a link-local address', blockList(['169.254.0.0/16', 'fe80::/10'])],
  ['an IETF protocol assignment address', blockList(['192.0.0.0/24'])],
  ['a documentation address', blockList(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'])],
  ['a benchmarking address', blockList(['198.18.0.0/15'])],
  ['a multicast address', blockList(['224.0.0.0/4', 'ff00::/8'])],
  ['a reserved or broadcast address', blockList(['240.0.0.0/4'])],
  ['a discard-only address', blockList(['100::/64'])],
];

/** The low 32 bits of a valid IPv6 address, dotted; a `::` gap reads as zeros. */
function lowIPv4(address: string): string {
  if (address.includes('.')) return address.slice(address.lastIndexOf(':') + 1);
  const [high = 0, low = 0] = address
    .split(':')
    .slice(-2)
    .map((group) => parseInt(group || '0', 16));
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Why the address may not be called, to follow "<address> is", or undefined when it may. */
function refusal(address: string, policy: UrlPolicy): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // An IPv4-mapped or NAT64 address reaches the IPv4 host it embeds, so that host is what is judged.
  if (type === 'ipv6' && EMBEDS_IPV4.check(address, type)) {
    const embedded = lowIPv4(address);
    const why = refusal(embedded, policy);
    return why && `${why} (it embeds ${embedded})`;
  }
  if (METADATA.check(address, type)) return 'a cloud metadata address';
  if (policy.allowPrivate) return undefined;
  return NOT_PUBLIC.find(([, ranges]) => ranges.check(address, type))?.[0];
}

/** Throws UnsafeUrlError unless the address may be called under the policy. */
export function checkAddress(address: string, policy: UrlPolicy): void {
  const why = refusal(address, policy);
  if (why) throw new UnsafeUrlError(`${address} is ${why}`);
}

/** A trailing dot names the same host, so it must not get a name past the list. */
const isMetadataHost = (host: string) => METADATA_HOSTS.has(host.toLowerCase().replace(/\.+$/, ''));

/** Why the resolved addresses may not be called, or undefined when all of them may. */
function resolvedRefusal(host: string, addresses: LookupAddress[], policy: UrlPolicy): string | undefined {
  if (addresses.length === 0) return `${host} does not resolve`;
  for (const { address } of addresses) {
    const why = refusal(address, policy);
    if (why) return `${host} resolves to ${address}, ${why}`;
  }
  return undefined;
}

/** Syntax, scheme, credentials-free, and every address the host resolves to (dns.lookup with all: true); throws UnsafeUrlError. Returns the parsed URL. */
/** The host as an address or name: IPv6 literals without their brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Everything that can be judged without DNS: syntax, credentials, scheme, and the host when it
 * is an address or a metadata name. A sender that connects through guardedLookup needs no more.
 */
export function parseWebhookUrl(url: string, policy: UrlPolicy): URL {
  // Not echoed: a URL this long is not a webhook, and the message would be as long.
  if (url.length > MAX_URL_LENGTH) throw new UnsafeUrlError(`a URL of ${url.length} characters is over the ${MAX_URL_LENGTH}-character limit`);
  if (!URL.canParse(url)) throw new UnsafeUrlError(`${url}: not a valid URL`);
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    // The message is logged and shown, so it names the URL without the secret.
    const shown = new URL(parsed);
    shown.username = '';
    shown.password = '';
    throw new UnsafeUrlError(`${shown.href}: a user name or password in the URL is not allowed`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UnsafeUrlError(`${url}: only http and https URLs are allowed`);
  if (policy.requireHttps && parsed.protocol !== 'https:') throw new UnsafeUrlError(`${url}: https is required`);
  // WHATWG parsing has already turned numeric shorthand (2130706433, 0x7f.1) into a dotted address.
  const host = hostOf(parsed);
  if (!host) throw new UnsafeUrlError(`${url}: no host`);
  if (isMetadataHost(host)) throw new UnsafeUrlError(`${url}: ${host} is a cloud metadata host`);
  if (isIP(host)) {
    const why = refusal(host, policy);
    if (why) throw new UnsafeUrlError(`${url}: ${host} is ${why}`);
  }
  return parsed;
}

/** parseWebhookUrl, and every address a host name resolves to (at registration, where nothing connects). */
export async function checkUrl(url: string, policy: UrlPolicy): Promise<URL> {
  const parsed = parseWebhookUrl(url, policy);
  const host = hostOf(parsed);
  if (isIP(host)) return parsed;
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (err) {
    throw new UnsafeUrlError(`${url}: ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const why = resolvedRefusal(host, addresses, policy);
  if (why) throw new UnsafeUrlError(`${url}: ${why}`);
  return parsed;
}

/**
 * A `lookup` function for node:http/node:https request options that resolves the host and refuses
 * (with UnsafeUrlError passed to the callback) when any resolved address is not allowed, so that the
 * address connected to is the one checked (no DNS-rebinding window between check and connect).
 */
export function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    if (isMetadataHost(hostname)) {
      callback(new UnsafeUrlError(`${hostname} is a cloud metadata host`), '');
      return;
    }
    // Every address is resolved and judged even when the caller wants one, as checkUrl judged them all.
    lookupCallback(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const why = resolvedRefusal(hostname, addresses, policy);
      if (why) return callback(new UnsafeUrlError(why), '');
      if (options.all) return callback(null, addresses);
      // resolvedRefusal has refused an empty list.
      const { address, family } = addresses[0]!;
      callback(null, address, family);
    });
  };
}
