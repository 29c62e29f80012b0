import { lookup } from 'node:dns/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkAddress, checkUrl, guardedLookup, UnsafeUrlError, type UrlPolicy } from './urlGuard.ts';

// Counted, not replaced, so a test can show that a refusal came before any DNS query.
vi.mock('node:dns/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:dns/promises')>();
  return { ...actual, lookup: vi.fn(actual.lookup) };
});

const strict: UrlPolicy = { requireHttps: true, allowPrivate: false };
const permissive: UrlPolicy = { requireHttps: false, allowPrivate: true };

const refusedUnlessPrivate = [
  'http://127.0.0.1',
  'http://10.0.0.1',
  'http://[::1]',
  'http://[::ffff:127.0.0.1]',
  'http://2130706433',
  'http://0x7f.1',
  'https://localhost',
];
const metadata = [
  'http://169.254.169.254/latest/meta-data',
  'http://[fd00:ec2::254]/latest/meta-data',
  'http://[::ffff:169.254.169.254]/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://METADATA.google.internal./',
];

beforeEach(() => {
  vi.mocked(lookup).mockClear();
});

describe('checkUrl', () => {
  it('refuses http under a production policy before any DNS query', async () => {
    await expect(checkUrl('http://example.com', strict)).rejects.toThrow('http://example.com: https is required');
    expect(lookup).not.toHaveBeenCalled();
  });

  it.each([...refusedUnlessPrivate, ...metadata])('refuses %s under the strict policy', async (url) => {
    await expect(checkUrl(url.replace(/^http:/, 'https:'), strict)).rejects.toThrow(UnsafeUrlError);
  });

  it.each(refusedUnlessPrivate)('allows %s when private addresses are allowed', async (url) => {
    await expect(checkUrl(url, permissive)).resolves.toBeInstanceOf(URL);
  });

  it.each(metadata)('refuses metadata %s even when private addresses are allowed', async (url) => {
    await expect(checkUrl(url, permissive)).rejects.toThrow(/metadata/);
  });

  it('says which address is refused and why', async () => {
    await expect(checkUrl('http://10.0.0.1/x', permissive)).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('https://10.0.0.1/x', strict)).rejects.toThrow('https://10.0.0.1/x: 10.0.0.1 is a private address');
    await expect(checkUrl('https://2130706433/', strict)).rejects.toThrow('https://2130706433/: 127.0.0.1 is a loopback address');
    await expect(checkUrl('https://[::ffff:127.0.0.1]/', strict)).rejects.toThrow(
      '::ffff:7f00:1 is a loopback address (it embeds 127.0.0.1)',
    );
    await expect(checkUrl('https://localhost/', strict)).rejects.toThrow(/localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
  });

  it('checks IP literals without DNS', async () => {
    await expect(checkUrl('https://93.184.216.34/', strict)).resolves.toHaveProperty('hostname', '93.184.216.34');
    await expect(checkUrl('https://[::1]/', strict)).rejects.toThrow(UnsafeUrlError);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('refuses credentials without repeating them', async () => {
    await expect(checkUrl('https://user:s3cret@93.184.216.34/', strict)).rejects.toThrow(
      'https://93.184.216.34/: a user name or password in the URL is not allowed',
    );
    await expect(checkUrl('https://user@93.184.216.34/', strict)).rejects.toThrow(/user name or password/);
  });

  it('refuses other schemes, bad syntax and over-long URLs', async () => {
    await expect(checkUrl('ftp://x', permissive)).rejects.toThrow('ftp://x: only http and https URLs are allowed');
    await expect(checkUrl('file:///etc/passwd', permissive)).rejects.toThrow(UnsafeUrlError);
    await expect(checkUrl('not a url', permissive)).rejects.toThrow('not a url: not a valid URL');
    await expect(checkUrl(`https://93.184.216.34/${'a'.repeat(2048)}`, strict)).rejects.toThrow(/2048-character limit/);
  });

  it('refuses a name that does not resolve', async () => {
    vi.mocked(lookup).mockRejectedValueOnce(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    await expect(checkUrl('https://nowhere.invalid/', strict)).rejects.toThrow(
      'https://nowhere.invalid/: nowhere.invalid does not resolve (ENOTFOUND)',
    );
  });
});

describe('checkAddress', () => {
  it.each([
    ['0.1.2.3', 'unspecified'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['127.255.255.254', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'IETF'],
    ['192.0.2.1', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::10.1.2.3', 'private'],
    ['example.com', 'not an IP address'],
  ])('refuses %s (%s)', (address, why) => {
    expect(() => checkAddress(address, strict)).toThrow(UnsafeUrlError);
    expect(() => checkAddress(address, strict)).toThrow(why);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '64:ff9b::808:808'])(
    'allows public %s',
    (address) => {
      expect(() => checkAddress(address, strict)).not.toThrow();
    },
  );
});

describe('guardedLookup', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  // autoSelectFamily makes node ask lookup for all addresses, and try each; without it node asks
  // for one, which must be IPv4 where localhost is also ::1 and listed first.
  const get = (policy: UrlPolicy, autoSelectFamily: boolean) =>
    new Promise<number>((resolve, reject) => {
      const options = { lookup: guardedLookup(policy), autoSelectFamily, family: autoSelectFamily ? undefined : 4, agent: false };
      const req = request(`http://localhost:${port}/`, options, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it.each([false, true])('refuses the connection to a loopback address (autoSelectFamily %s)', async (autoSelectFamily) => {
    const refused = get(strict, autoSelectFamily);
    await expect(refused).rejects.toThrow(UnsafeUrlError);
    await expect(refused).rejects.toThrow(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
  });

  it.each([false, true])('connects when private addresses are allowed (autoSelectFamily %s)', async (autoSelectFamily) => {
    await expect(get(permissive, autoSelectFamily)).resolves.toBe(200);
  });

  it('calls back in the shape asked for', async () => {
    const one = await new Promise((resolve, reject) =>
      guardedLookup(permissive)('localhost', { all: false, family: 4 }, (err, address, family) =>
        err ? reject(err) : resolve([address, family]),
      ),
    );
    expect(one).toEqual(['127.0.0.1', 4]);
    const all = await new Promise((resolve, reject) =>
      guardedLookup(permissive)('localhost', { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
    );
    expect(all).toContainEqual({ address: '127.0.0.1', family: 4 });
  });

  it('refuses the metadata host by name', async () => {
    const err = await new Promise((resolve) => guardedLookup(permissive)('metadata.google.internal', { all: false }, resolve));
    expect(err).toBeInstanceOf(UnsafeUrlError);
  });
});
