import { describe, expect, it } from 'vitest';
import { BUNDLED_LISTS_DIR } from '../config/paths.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv.ts';
import { parseOfacSdnXml } from './ofacXml.ts';

const sample = readFileSync(join(import.meta.dirname, 'fixtures/sdn-sample.xml'));
// The CSV files the sample was written from (not SANCTIONS_OFAC_DIR: a newer list may differ).
const csvDir = join(BUNDLED_LISTS_DIR, 'ofac-sdn');

const { entries, publishedAt } = parseOfacSdnXml(sample);
const entry = (id: string) => entries.find((e) => e.entryId === id)!;

describe('OFAC SDN.XML reader', () => {
  it('reads every field of an individual', () => {
    expect(entry('9757')).toEqual({
      list: 'ofac-sdn',
      entryId: '9757',
      name: 'JAMIL GEORGES, Fahd',
      entityType: 'individual',
      programs: ['SDNTK'],
      aliases: [
        { name: 'JAMIL GEORGES, Fuad', quality: 'strong' },
        { name: 'YAMIL GEORGES, Fahd', quality: 'strong' },
        { name: 'EL PADRINO', quality: 'weak' },
        { name: 'TURCO', quality: 'weak' },
      ],
      digitalCurrencyAddresses: [],
      // Nationality Lebanon, citizenship Brazil, addresses in Brazil and Paraguay.
      countries: ['LB', 'BR', 'PY'],
      birthDates: [{ from: '1941-06-07', to: '1941-06-07' }],
    });
  });

  it('reads every field of an entity, its digital currency addresses included', () => {
    expect(entry('31212')).toEqual({
      list: 'ofac-sdn',
      entryId: '31212',
      name: 'SOUTHFRONT',
      entityType: 'entity',
      programs: ['NPWMD', 'CYBER2', 'ELECTION-EO13848'],
      aliases: [
        { name: 'SOUTH FRONT', quality: 'strong' },
        { name: 'SOUTHFRONT: ANALYSIS & INTELLIGENCE', quality: 'strong' },
      ],
      digitalCurrencyAddresses: [
        { currency: 'XBT', address: '3Gbs4rjcVUtQd8p3CiFUCxPLZwRqurezRZ' },
        { currency: 'ETH', address: '0x9f4cda013e354b8fc285bf4b9a60460cee7f7ea9' },
        { currency: 'BCH', address: 'qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq' },
      ],
      countries: ['RU'],
      birthDates: [],
    });
    const eth = entries.flatMap((e) => e.digitalCurrencyAddresses).filter((a) => a.currency === 'ETH');
    expect(eth.map((a) => a.address)).toEqual(['0x9f4cda013e354b8fc285bf4b9a60460cee7f7ea9']);
  });

  it('reads vessels, approximate and ranged dates of birth', () => {
    expect(entry('4243')).toMatchObject({ name: 'SAND SWAN', entityType: 'vessel', aliases: [{ name: 'ANA I', quality: 'weak' }] });
    expect(entry('7848').birthDates).toEqual([{ from: '1941-01-01', to: '1943-12-31' }]);
    expect(entry('16455').birthDates).toEqual([
      { from: '1964-01-01', to: '1964-12-31' },
      { from: '1963-01-01', to: '1965-12-31' },
    ]);
  });

  it('reads the publication date, and none when the document has none', () => {
    expect(publishedAt).toBe('2026-02-27');
    const bare = parseOfacSdnXml(
      '<sdnList><sdnEntry><uid>1</uid><lastName>X</lastName><sdnType>Entity</sdnType>' +
        '<akaList><aka><lastName>Y</lastName></aka></akaList></sdnEntry></sdnList>',
    );
    expect(bare.publishedAt).toBeNull();
    // An alias without a category is a full one.
    expect(bare.entries[0]!.aliases).toEqual([{ name: 'Y', quality: 'strong' }]);
  });

  it('refuses a document that is not the SDN list, or holds no entries', () => {
    expect(() => parseOfacSdnXml('<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>')).toThrow(/no sdnList root/);
    expect(() => parseOfacSdnXml('<html><body>Maintenance</body></html>')).toThrow(/no sdnList root/);
    expect(() => parseOfacSdnXml('<sdnList><publshInformation><Publish_Date>02/27/2026</Publish_Date></publshInformation></sdnList>')).toThrow(/no sdnEntry/);
  });

  it('agrees with the legacy CSV publication on every sample entry', () => {
    const clean = (value: string | undefined) => {
      const v = (value ?? '').trim();
      return v === '-0-' ? '' : v;
    };
    const sdn = new Map(parseCsv(readFileSync(join(csvDir, 'sdn.csv'), 'latin1')).map((row) => [clean(row[0]), row]));
    const alt = parseCsv(readFileSync(join(csvDir, 'alt.csv'), 'latin1'));
    expect(entries).toHaveLength(6);
    for (const e of entries) {
      const row = sdn.get(e.entryId);
      expect(row, e.entryId).toBeDefined();
      // sdn.csv leaves the type of entities blank.
      expect([e.entryId, e.name, e.entityType]).toEqual([e.entryId, clean(row![1]), clean(row![2]) || 'entity']);
      expect(e.programs).toEqual(clean(row![3]).split('] [').filter(Boolean));
      const strong = alt.filter((a) => clean(a[0]) === e.entryId).map((a) => clean(a[3])).filter(Boolean);
      expect(new Set(e.aliases.filter((a) => a.quality === 'strong').map((a) => a.name))).toEqual(new Set(strong));
      const addresses = [...clean(row![11]).matchAll(/Digital Currency Address - ([A-Z0-9]+) ([^;\s]+)/g)]
        .map((m) => ({ currency: m[1], address: m[2] }));
      expect(e.digitalCurrencyAddresses).toEqual(addresses);
    }
  });
});
