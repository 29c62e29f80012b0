// What else than a name tells a listed person or company apart from a namesake: entity
// type, country and date of birth. The lists spell countries their own way ("Korea,
// North", "Iran (Islamic Republic of)") and dates with varying precision ("circa 1960",
// "10 Jan 1960 to 12 Jan 1960"); both are reduced here to comparable forms, ISO 3166
// alpha-2 codes and inclusive date ranges, and compared with a party's own.

import { z } from 'zod';

/** An inclusive range of ISO dates (YYYY-MM-DD): a listed date of birth at its precision. */
export interface DateRange {
  from: string;
  to: string;
}

/** What a party may say about itself, beyond its name. */
export interface PartyAttributes {
  entityType?: 'individual' | 'organization';
  /** ISO 3166 alpha-2, upper case. */
  country?: string;
  /** YYYY-MM-DD. */
  dateOfBirth?: string;
}

/** What a list entry says, in the same terms. */
export interface EntryAttributes {
  entityType: string;
  countries: string[];
  birthDates: DateRange[];
}

const fold = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z ]+/g, ' ')
    .replace(/\b(the|of)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

// The lists' own spellings where they differ from CLDR's English names.
const LIST_SPELLINGS: Record<string, string> = {
  'korea north': 'KP',
  'democratic peoples republic korea': 'KP',
  'korea south': 'KR',
  'republic korea': 'KR',
  'russian federation': 'RU',
  'iran islamic republic': 'IR',
  'syrian arab republic': 'SY',
  'united kingdom great britain and northern ireland': 'GB',
  'united states america': 'US',
  'united republic tanzania': 'TZ',
  'democratic republic congo': 'CD',
  'congo democratic republic': 'CD',
  'republic congo': 'CG',
  burma: 'MM',
  'viet nam': 'VN',
  turkey: 'TR',
  'state palestine': 'PS',
  palestinian: 'PS',
  'west bank': 'PS',
  gaza: 'PS',
  'china hong kong special administrative region': 'HK',
  'hong kong': 'HK',
  'gambia': 'GM',
  'virgin islands british': 'VG',
  'bolivia plurinational state': 'BO',
  'venezuela bolivarian republic': 'VE',
  'lao peoples democratic republic': 'LA',
  'republic moldova': 'MD',
  'cote divoire': 'CI',
  macau: 'MO',
  'czech republic': 'CZ',
};

// Private-use and grouping codes that DisplayNames also names (European Union, Unknown Region).
const NOT_A_COUNTRY = /^(AA|Q[M-Z]|X[A-JL-Z]|ZZ|EU|EZ|UN)$/;

const BY_NAME = new Map<string, string>();
const ISO_CODES = new Set<string>();
{
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = names.of(code);
      // Deprecated codes (BU, SU, UK) canonicalize to another region; keep the current one.
      if (!name || name === code || NOT_A_COUNTRY.test(code) || new Intl.Locale(`und-${code}`).region !== code) continue;
      ISO_CODES.add(code);
      BY_NAME.set(fold(name), code);
      // "Myanmar (Burma)", "Congo - Kinshasa": the part before the qualifier is a name too.
      const short = fold(name.split(/ [(-] ?/)[0]!);
      if (!BY_NAME.has(short)) BY_NAME.set(short, code);
    }
  }
  for (const [name, code] of Object.entries(LIST_SPELLINGS)) BY_NAME.set(name, code);
}

export const isCountryCode = (code: string): boolean => ISO_CODES.has(code);

/** Every ISO 3166-1 alpha-2 code, for the API's document. */
export const ISO_COUNTRY_CODES: readonly string[] = [...ISO_CODES].sort();

/** The ISO code of a country as a list names it, or undefined when it is not one we know (a city, "undetermined"). */
export function countryCode(name: string): string | undefined {
  return BY_NAME.get(fold(name));
}

/** Distinct codes of the names given, unknown names dropped. */
export const countryCodes = (names: (string | undefined)[]): string[] =>
  [...new Set(names.map((n) => (n ? countryCode(n) : undefined)).filter((c): c is string => c !== undefined))];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A range covering one year, month or day. */
export function dateRange(year: number, month?: number, day?: number): DateRange {
  if (month === undefined) return { from: `${year}-01-01`, to: `${year}-12-31` };
  const ym = `${year}-${pad(month)}`;
  if (day === undefined) return { from: `${ym}-01`, to: `${ym}-${pad(lastDay(year, month))}` };
  return { from: `${ym}-${pad(day)}`, to: `${ym}-${pad(day)}` };
}

/** A range widened to a year either side, for "circa" and "approximately". */
export const approximately = (r: DateRange): DateRange => ({
  from: `${Number(r.from.slice(0, 4)) - 1}${r.from.slice(4)}`,
  to: `${Number(r.to.slice(0, 4)) + 1}${r.to.slice(4)}`,
});

const OFAC_DATE = /(?:(\d{1,2}) )?(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* )?(\d{4})/i;

function ofacDate(text: string): DateRange | undefined {
  const m = OFAC_DATE.exec(text);
  if (!m) return undefined;
  const month = m[2] ? MONTHS.indexOf(m[2].toLowerCase()) + 1 : undefined;
  return dateRange(Number(m[3]), month, m[1] && month ? Number(m[1]) : undefined);
}

/**
 * One OFAC date of birth as written after "DOB": "10 Jan 1960", "Jan 1960", "1960",
 * "circa 1960", "1960 to 1962", "circa 1960-1962".
 */
export function parseOfacBirthDate(text: string): DateRange | undefined {
  const circa = /^circa\s+/i.test(text);
  const [start, end] = text.replace(/^circa\s+/i, '').split(/\s+to\s+|(?<=\d{4})-(?=\d{4})/);
  const from = start ? ofacDate(start) : undefined;
  if (!from) return undefined;
  const to = end ? ofacDate(end) : undefined;
  const range = { from: from.from, to: (to ?? from).to };
  return circa ? approximately(range) : range;
}

/** A score change and why. */
export interface Adjustment {
  delta: number;
  reason: string;
}

/** Entity type is the strongest tell: a person is not a company of the same name. */
const TYPE_DIFFERS = -0.1;
const BIRTH_DIFFERS = -0.15;
const BIRTH_AGREES = 0.05;
const COUNTRY_DIFFERS = -0.05;
const COUNTRY_AGREES = 0.03;
/** The most the attributes can add: names scoring this much below the review threshold may still reach it. */
export const MAX_BOOST = BIRTH_AGREES + COUNTRY_AGREES;

const isPerson = (entityType: string) => entityType === 'individual';

/**
 * How the party's own attributes move a name score against one entry. Only what both sides
 * state counts; a missing attribute on either side changes nothing.
 */
export function adjustments(party: PartyAttributes, entry: EntryAttributes): Adjustment[] {
  const found: Adjustment[] = [];
  if (party.entityType && isPerson(entry.entityType) !== (party.entityType === 'individual')) {
    found.push({ delta: TYPE_DIFFERS, reason: `party is ${party.entityType === 'individual' ? 'an individual' : 'an organization'}, entry is ${entry.entityType}` });
  }
  if (party.dateOfBirth && entry.birthDates.length) {
    const dob = party.dateOfBirth;
    const agrees = entry.birthDates.some((r) => r.from <= dob && dob <= r.to);
    found.push(agrees ? { delta: BIRTH_AGREES, reason: 'date of birth agrees' } : { delta: BIRTH_DIFFERS, reason: 'date of birth differs' });
  }
  if (party.country && entry.countries.length) {
    found.push(entry.countries.includes(party.country) ? { delta: COUNTRY_AGREES, reason: 'country agrees' } : { delta: COUNTRY_DIFFERS, reason: 'country differs' });
  }
  return found;
}

const isCalendarDate = (d: string) => {
  const date = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(d) && date.getTime() <= Date.now();
};

/** The same on the wire (the API's bodies, the CLI's options), checked: what a party may say about itself so that screening can tell it from a listed namesake. */
export const partyAttributesSchema = z.object({
  entity_type: z.enum(['individual', 'organization']).optional(),
  country: z
    .string()
    .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in upper case, such as DE')
    .meta({ enum: [...ISO_COUNTRY_CODES] })
    .optional(),
  date_of_birth: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 1970-01-31')
    .refine(isCalendarDate, 'must be a real date, not in the future')
    .optional(),
});
