import { describe, expect, it } from 'vitest';
import { adjustments, countryCode, isCountryCode, parseOfacBirthDate } from './attributes.ts';

describe('list attributes', () => {
  it('maps the lists\' country spellings to ISO codes and leaves cities and blanks unknown', () => {
    const cases: [string, string | undefined][] = [
      ['Korea, North', 'KP'],
      ["Democratic People's Republic of Korea", 'KP'],
      ['Iran (Islamic Republic of)', 'IR'],
      ['Russia', 'RU'],
      ['Russian Federation', 'RU'],
      ['Syrian Arab Republic', 'SY'],
      ['United Kingdom of Great Britain and Northern Ireland', 'GB'],
      ['Burma', 'MM'],
      ['Türkiye', 'TR'],
      ['Côte d’Ivoire', 'CI'],
      ['Congo, Democratic Republic of the', 'CD'],
      ['Bosnia and Herzegovina', 'BA'],
      ['Havana', undefined],
      ['undetermined', undefined],
    ];
    for (const [name, code] of cases) expect([name, countryCode(name)]).toEqual([name, code]);
    expect(isCountryCode('DE')).toBe(true);
    // Deprecated and private-use codes are not countries a party can name.
    for (const code of ['SU', 'UK', 'EU', 'ZZ', 'XA']) expect(isCountryCode(code)).toBe(false);
  });

  it('reads OFAC dates of birth at their precision', () => {
    expect(parseOfacBirthDate('31 Jan 1939')).toEqual({ from: '1939-01-31', to: '1939-01-31' });
    expect(parseOfacBirthDate('Feb 1964')).toEqual({ from: '1964-02-01', to: '1964-02-29' });
    expect(parseOfacBirthDate('1960')).toEqual({ from: '1960-01-01', to: '1960-12-31' });
    expect(parseOfacBirthDate('circa 1960')).toEqual({ from: '1959-01-01', to: '1961-12-31' });
    expect(parseOfacBirthDate('1960 to 1962')).toEqual({ from: '1960-01-01', to: '1962-12-31' });
    expect(parseOfacBirthDate('circa 1958-1960')).toEqual({ from: '1957-01-01', to: '1961-12-31' });
    expect(parseOfacBirthDate('01 Mar 1970 to 05 Mar 1970')).toEqual({ from: '1970-03-01', to: '1970-03-05' });
    expect(parseOfacBirthDate('unknown')).toBeUndefined();
  });

  it('moves a score only on what both sides state', () => {
    const entry = { entityType: 'individual', countries: ['CO'], birthDates: [{ from: '1939-01-31', to: '1939-01-31' }] };
    expect(adjustments({}, entry)).toEqual([]);
    expect(adjustments({ dateOfBirth: '1975-01-01' }, { ...entry, birthDates: [] })).toEqual([]);
    expect(adjustments({ entityType: 'individual', dateOfBirth: '1939-01-31', country: 'CO' }, entry).map((a) => a.delta)).toEqual([0.05, 0.03]);
    expect(adjustments({ entityType: 'organization', dateOfBirth: '1939-02-01', country: 'VE' }, entry).map((a) => a.delta)).toEqual([-0.1, -0.15, -0.05]);
    expect(adjustments({ entityType: 'organization' }, { ...entry, entityType: 'vessel' })).toEqual([]);
  });
});
