// Reader for OFAC's legacy SDN CSV publication: sdn.csv joined with alt.csv and add.csv on
// the entity number, with remarks over 1,000 characters continued in sdn_comments.csv.
// The files are Latin-1 and carry no publication date.

import { countryCodes, parseOfacBirthDate, type DateRange } from './attributes.ts';
import { parseCsv } from './csv.ts';
import type { ParsedList, SanctionsEntry } from './sanctionsList.ts';

export const OFAC_CSV_FILES = ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'] as const;

const EMPTY = '-0-';
const clean = (value: string | undefined) => {
  const v = (value ?? '').trim();
  return v === EMPTY ? '' : v;
};

const ADDRESS = /Digital Currency Address - ([A-Z0-9]+)\s+([^;\s]+)/g;
// OFAC's legacy files list weak (low-quality) AKAs only in the remarks, quoted: a.k.a. 'BNC'.
// A name may itself hold a quote (ABU-'ALI), so a name ends at a quote followed by ; or .
const WEAK_ALIAS = /[afn]\.k\.a\. '(.+?)'(?=[;.]|$)/g;
const BIRTH_DATE = /\bDOB ([^;]+?)\.?(?=;|$)/g;
const NATIONALITY = /\b(?:nationality|citizen) ([^;]+?)\.?(?=;|$)/g;

/** Rows of one file grouped by entity number. */
function byEntity<T>(csv: string, value: (row: string[]) => T): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const row of parseCsv(csv)) {
    const id = clean(row[0]);
    const rows = grouped.get(id);
    if (rows) rows.push(value(row));
    else grouped.set(id, [value(row)]);
  }
  return grouped;
}

/** `files`: the publication's documents, in OFAC_CSV_FILES order. */
export function parseOfacSdnCsv(files: Buffer[]): ParsedList {
  const [sdn, alt, add, comments] = files.map((f) => f.toString('latin1')) as [string, string, string, string];
  const continued = new Map([...byEntity(comments, (row) => clean(row[1]))].map(([id, texts]) => [id, texts.join('')]));
  // alt.csv holds the strong aliases (aka, fka, nka).
  const aliases = byEntity(alt, (row) => clean(row[3]));
  const addressCountries = byEntity(add, (row) => clean(row[4]));

  // The files end with a DOS end-of-file byte on a line of its own: keep only rows with an entity number.
  const entries = parseCsv(sdn).filter((row) => /^\d+$/.test(clean(row[0]))).map((row): SanctionsEntry => {
    const entryId = clean(row[0]);
    const remarks = clean(row[11]) + (continued.get(entryId) ?? '');
    return {
      list: 'ofac-sdn',
      entryId,
      name: clean(row[1]),
      entityType: clean(row[2]) || 'entity',
      programs: clean(row[3]).split(/\]\s*\[/).map((p) => p.replace(/[[\]]/g, '').trim()).filter(Boolean),
      aliases: [
        ...(aliases.get(entryId) ?? []).map((name) => ({ name, quality: 'strong' as const })),
        ...[...remarks.matchAll(WEAK_ALIAS)].map((m) => ({ name: m[1]!, quality: 'weak' as const })),
      ].filter((a) => a.name),
      digitalCurrencyAddresses: [...remarks.matchAll(ADDRESS)].map((m) => ({ currency: m[1]!, address: m[2]! })),
      countries: countryCodes([...(addressCountries.get(entryId) ?? []), ...[...remarks.matchAll(NATIONALITY)].map((m) => m[1])]),
      birthDates: [...remarks.matchAll(BIRTH_DATE)].map((m) => parseOfacBirthDate(m[1]!)).filter((d): d is DateRange => d !== undefined),
    };
  });
  return { entries, publishedAt: null };
}
