// Issue 5's acceptance over the full shipped lists: every OFAC and UN entry is found by
// its exact primary name, by each strong alias, and with one typo; every listed ETH
// address fails the wallet layer.

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_LISTS_DIR } from '../config/paths.ts';
import { tokenize } from './nameScore.ts';
import { listSources, readLists, screenerOf } from './lists.ts';
import type { SanctionsEntry } from './sanctionsList.ts';
import type { Screener } from './screening.ts';
import { DEFAULT_THRESHOLDS as thresholds } from '../domain/thresholds.ts';

const data = BUNDLED_LISTS_DIR;
let entries: SanctionsEntry[];
let screener: Screener;

beforeAll(async () => {
  const lists = await readLists(listSources({ SANCTIONS_OFAC_DIR: join(data, 'ofac-sdn'), SANCTIONS_UN_FILE: join(data, 'un/consolidated.xml') }));
  entries = lists.flatMap((l) => l.entries);
  screener = await screenerOf(lists);
});

/**
 * One typo: a letter in the middle of the name's longest identity word replaced. Names
 * whose words all have three letters or fewer (acronyms like "ADP, S.C.") have none: one
 * changed letter there makes another acronym, not a slip.
 */
function withTypo(name: string): string | undefined {
  const identity = new Set(tokenize(name).tokens);
  const words = [...name.matchAll(/[\p{L}'’]+/gu)].filter((m) => {
    const token = tokenize(m[0]).tokens[0] ?? '';
    return identity.has(token) && token.length >= 4;
  });
  if (!words.length) return undefined;
  const word = words.reduce((a, b) => (b[0].length > a[0].length ? b : a));
  const at = word.index + Math.floor(word[0].length / 2);
  return name.slice(0, at) + (name[at]!.toLowerCase() === 'x' ? 'q' : 'x') + name.slice(at + 1);
}

const finds = (query: string, entry: SanctionsEntry) => screener.matchName(query, thresholds.review).some((m) => m.spelling.entry === entry);

describe('screening over the full OFAC and UN lists', () => {
  it('finds every entry by its exact primary name and by each strong alias', () => {
    const missed = entries.flatMap((e) =>
      [e.name, ...e.aliases.filter((a) => a.quality === 'strong').map((a) => a.name)].filter((n) => !finds(n, e)).map((n) => `${e.list} ${e.entryId}: ${n}`),
    );
    expect(entries.length).toBeGreaterThan(9900);
    expect(missed).toEqual([]);
  }, 300_000);

  it('finds every entry with one typo in its name', () => {
    const typos = entries.flatMap((e) => {
      const query = withTypo(e.name);
      return query ? [{ e, query }] : [];
    });
    expect(typos.length).toBeGreaterThan(9500);
    expect(typos.filter(({ e, query }) => !finds(query, e)).map(({ e, query }) => `${e.entryId}: ${query}`)).toEqual([]);
  }, 300_000);

  it('fails every listed ETH address, in any letter case', () => {
    const addresses = entries.flatMap((e) => e.digitalCurrencyAddresses.filter((a) => /^0x[0-9a-fA-F]{40}$/.test(a.address)));
    expect(addresses.length).toBeGreaterThanOrEqual(8);
    for (const { address } of addresses) {
      for (const written of [address.toLowerCase(), address.toUpperCase().replace('0X', '0x')]) {
        expect(screener.screen([{ role: 'buyer', name: 'Alice Example', walletAddress: written }], { thresholds }).outcome).toBe('failed');
      }
    }
  });
});
