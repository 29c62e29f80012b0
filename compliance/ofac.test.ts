import { describe, expect, it, beforeAll } from 'vitest';
import { join } from 'node:path';
import { readOfacSdn, type SanctionsEntry } from './ofac';
import { Screener } from './screening';

const dir = process.env.SANCTIONS_OFAC_DIR ?? join(import.meta.dirname, '../../shared/data/sanctions/ofac-sdn');

describe('OFAC SDN reader and exact screening', () => {
  let entries: SanctionsEntry[];
  let screener: Screener;
  beforeAll(async () => {
    const list = await readOfacSdn(dir);
    entries = list.entries;
    screener = new Screener(entries, [list.version], ['0x000000000000000000000000000000000000dEaD']);
  });

  it('reads every entry with its aliases and joins continued remarks', () => {
    expect(entries.length).toBeGreaterThan(8900);
    const bnc = entries.find((e) => e.entryId === '306')!;
    expect(bnc.name).toBe('BANCO NACIONAL DE CUBA');
    expect(bnc.aliases.map((a) => a.name)).toContain('NATIONAL BANK OF CUBA');
    // 30518's ETH address is only in sdn_comments.csv, the continuation of its remarks.
    const addresses = entries.flatMap((e) => e.digitalCurrencyAddresses).filter((a) => a.currency === 'ETH');
    expect(addresses.map((a) => a.address.toLowerCase())).toContain('0x7f19720a857f834887fc9a7bc0a0fbe7fc7f8102');
  });

  it('matches regardless of case, accents, punctuation and a comma-marked surname-first order', () => {
    const party = (name: string) => [{ role: 'buyer', name, walletAddress: '0x1111111111111111111111111111111111111111' }];
    const exact = screener.screen(party('LIFSHITS, Artem Mikhaylovich')).matches[0]!;
    expect(screener.screen(party('artem mikhaylovich lifshits')).matches[0]).toMatchObject({ entryId: exact.entryId, score: 1 });
  });

  it('reads weak aliases from the remarks, quotes inside names included', () => {
    const bnc = entries.find((e) => e.entryId === '306')!;
    expect(bnc.aliases).toContainEqual({ name: 'BNC', quality: 'weak' });
    expect(entries.find((e) => e.entryId === '3754')!.aliases).toContainEqual({ name: "ABU-'UMAR", quality: 'weak' });
  });

  it('flags a hit on a weak alias only', () => {
    const result = screener.screen([{ role: 'buyer', name: 'The Chess Player', walletAddress: '0x1111111111111111111111111111111111111111' }]);
    expect(result.outcome).toBe('flagged');
    expect(result.matches).toEqual([expect.objectContaining({ quality: 'weak', entryId: '4107', matched: 'THE CHESS PLAYER' })]);
  });

  it('fails a listed name, a strong alias and a listed wallet; clears others', () => {
    const party = (name: string, walletAddress = '0x1111111111111111111111111111111111111111') => [{ role: 'buyer', name, walletAddress }];
    expect(screener.screen(party('Banco Nacional de Cuba')).outcome).toBe('failed');
    expect(screener.screen(party('national bank of cuba')).matches[0]).toMatchObject({ layer: 'name', entryId: '306' });
    expect(screener.screen(party('Alice Example')).outcome).toBe('cleared');
    const wallet = screener.screen(party('Alice Example', '0x7F19720A857F834887FC9A7bC0a0fBe7Fc7f8102'));
    expect(wallet.matches).toEqual([expect.objectContaining({ layer: 'wallet', list: 'ofac-sdn' })]);
    const blocked = screener.screen(party('Alice Example', '0x000000000000000000000000000000000000dead'));
    expect(blocked.matches[0]).toMatchObject({ layer: 'wallet', list: 'internal-blocklist' });
  });
});
