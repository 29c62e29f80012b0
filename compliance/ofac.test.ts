import { describe, expect, it, beforeAll } from 'vitest';
import { BUNDLED_LISTS_DIR } from '../config/paths.ts';
import { join } from 'node:path';
import { listSources, loadList } from './lists.ts';
import type { SanctionsEntry } from './sanctionsList.ts';
import { Screener, type ScreenedParty } from './screening.ts';
import { DEFAULT_THRESHOLDS as thresholds } from '../domain/thresholds.ts';

const dir = join(BUNDLED_LISTS_DIR, 'ofac-sdn');

describe('OFAC SDN reader and exact screening', () => {
  let entries: SanctionsEntry[];
  let screener: Screener;
  beforeAll(async () => {
    const list = await loadList(listSources({ SANCTIONS_OFAC_DIR: dir })[0]!);
    entries = list.entries;
    screener = await Screener.build(entries, [list.version], ['0x000000000000000000000000000000000000dEaD']);
  });

  const screen = (name: string, attributes: Partial<ScreenedParty> = {}) =>
    screener.screen([{ role: 'buyer', name, walletAddress: '0x1111111111111111111111111111111111111111', ...attributes }], { thresholds });

  it('reads every entry with its aliases and joins continued remarks', () => {
    expect(entries.length).toBeGreaterThan(8900);
    const bnc = entries.find((e) => e.entryId === '306')!;
    expect(bnc.name).toBe('BANCO NACIONAL DE CUBA');
    expect(bnc.aliases.map((a) => a.name)).toContain('NATIONAL BANK OF CUBA');
    // 30518's ETH address is only in sdn_comments.csv, the continuation of its remarks.
    const addresses = entries.flatMap((e) => e.digitalCurrencyAddresses).filter((a) => a.currency === 'ETH');
    expect(addresses.map((a) => a.address.toLowerCase())).toContain('0x7f19720a857f834887fc9a7bc0a0fbe7fc7f8102');
  });

  it('reads countries from addresses and nationalities, and dates of birth at their precision', () => {
    const entry = (id: string) => entries.find((e) => e.entryId === id)!;
    // "DOB 31 Jan 1939"; an address in Cali, Colombia; passports of other countries do not count.
    expect(entry('4107')).toMatchObject({ countries: ['CO'], birthDates: [{ from: '1939-01-31', to: '1939-01-31' }] });
    expect(entries.filter((e) => e.birthDates.length).length).toBeGreaterThan(4000);
    expect(entries.filter((e) => e.countries.length).length).toBeGreaterThan(7000);
  });

  it('matches regardless of case, accents, punctuation and a comma-marked surname-first order', () => {
    const exact = screen('LIFSHITS, Artem Mikhaylovich').matches[0]!;
    expect(screen('artem mikhaylovich lifshits').matches[0]).toMatchObject({ entryId: exact.entryId, score: 1 });
  });

  it('reads weak aliases from the remarks, quotes inside names included', () => {
    const bnc = entries.find((e) => e.entryId === '306')!;
    expect(bnc.aliases).toContainEqual({ name: 'BNC', quality: 'weak' });
    expect(entries.find((e) => e.entryId === '3754')!.aliases).toContainEqual({ name: "ABU-'UMAR", quality: 'weak' });
  });

  it('counts a weak alias only when the party\'s date of birth or country corroborates it, and then only for review', () => {
    expect(screen('The Chess Player').outcome).toBe('cleared');
    expect(screen('The Chess Player', { dateOfBirth: '1950-02-02' }).outcome).toBe('cleared');
    for (const corroboration of [{ dateOfBirth: '1939-01-31' }, { country: 'CO' }]) {
      const result = screen('The Chess Player', corroboration);
      expect(result.outcome).toBe('flagged');
      expect(result.matches).toEqual([expect.objectContaining({ quality: 'weak', exact: false, entryId: '4107', matched: 'THE CHESS PLAYER' })]);
    }
  });

  it('moves a name score by entity type, date of birth and country, never clearing the listed name itself', () => {
    const name = 'Gilberto Jose Rodriguez Orejuela';
    expect(screen(name).matches[0]).toMatchObject({ entryId: '4107', score: 1, exact: true });
    expect(screen(name, { dateOfBirth: '1939-01-31', country: 'CO' }).outcome).toBe('failed');
    // A namesake born decades later, or a company of that name, is a question for a person, not a hit.
    const namesake = screen(name, { dateOfBirth: '1975-05-05' });
    expect(namesake.outcome).toBe('flagged');
    expect(namesake.matches[0]).toMatchObject({ entryId: '4107', score: 0.85, exact: true, reason: expect.stringContaining('date of birth differs (-0.15)') });
    expect(screen(name, { entityType: 'organization' }).matches[0]).toMatchObject({ score: 0.9, reason: expect.stringContaining('party is an organization, entry is individual') });
    // One typo scores below the fail threshold; the same date of birth and country lift it there.
    const typo = 'Gilberto Rodriguez Orejuelx';
    expect(screen(typo).outcome).toBe('flagged');
    expect(screen(typo, { dateOfBirth: '1939-01-31', country: 'CO' }).outcome).toBe('failed');
  });

  it('fails a listed name, a strong alias and a listed wallet; clears others', () => {
    expect(screen('Banco Nacional de Cuba').outcome).toBe('failed');
    expect(screen('national bank of cuba').matches[0]).toMatchObject({ layer: 'name', entryId: '306' });
    expect(screen('Alice Example').outcome).toBe('cleared');
    const wallet = screen('Alice Example', { walletAddress: '0x7F19720A857F834887FC9A7bC0a0fBe7Fc7f8102' });
    expect(wallet.matches).toEqual([expect.objectContaining({ layer: 'wallet', list: 'ofac-sdn', exact: true })]);
    const blocked = screen('Alice Example', { walletAddress: '0x000000000000000000000000000000000000dead' });
    expect(blocked.matches[0]).toMatchObject({ layer: 'wallet', list: 'internal-blocklist' });
  });
});
