// Reader for OFAC's legacy SDN CSV publication: sdn.csv joined with alt.csv on the
// entity number, with remarks over 1,000 characters continued in sdn_comments.csv.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCsv } from './csv';

export interface SanctionsEntry {
  list: string;
  entryId: string;
  name: string;
  entityType: string;
  programs: string[];
  aliases: { name: string; quality: 'strong' | 'weak' }[];
  /** Digital currency addresses by currency code as published, e.g. { ETH: ['0x…'] }. */
  digitalCurrencyAddresses: { currency: string; address: string }[];
}

export interface ListVersion {
  list: string;
  contentHash: string;
  entryCount: number;
  loadedAt: string;
}

const EMPTY = '-0-';
const clean = (value: string | undefined) => {
  const v = (value ?? '').trim();
  return v === EMPTY ? '' : v;
};

const ADDRESS = /Digital Currency Address - ([A-Z0-9]+)\s+([^;\s]+)/g;
// OFAC's legacy files list weak (low-quality) AKAs only in the remarks, quoted: a.k.a. 'BNC'.
// A name may itself hold a quote (ABU-'ALI), so a name ends at a quote followed by ; or .
const WEAK_ALIAS = /[afn]\.k\.a\. '(.+?)'(?=[;.]|$)/g;

export async function readOfacSdn(dir: string): Promise<{ entries: SanctionsEntry[]; version: ListVersion }> {
  const files = await Promise.all(
    ['sdn.csv', 'alt.csv', 'sdn_comments.csv'].map((f) =>
      readFile(join(dir, f), 'latin1').catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot read the OFAC SDN list: ${join(dir, f)} (${err.code}); set SANCTIONS_OFAC_DIR to the folder with OFAC's sdn.csv, alt.csv and sdn_comments.csv`);
      }),
    ),
  );
  const [sdn, alt, comments] = files as [string, string, string];
  const hash = createHash('sha256');
  files.forEach((f) => hash.update(f));

  const continued = new Map<string, string>();
  for (const [id, text] of parseCsv(comments)) continued.set(clean(id), clean(text));

  const aliases = new Map<string, SanctionsEntry['aliases']>();
  // alt.csv holds the strong aliases (aka, fka, nka).
  for (const [id, , , name] of parseCsv(alt)) {
    const list = aliases.get(clean(id)) ?? [];
    list.push({ name: clean(name), quality: 'strong' });
    aliases.set(clean(id), list);
  }

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
        ...(aliases.get(entryId) ?? []),
        ...[...remarks.matchAll(WEAK_ALIAS)].map((m) => ({ name: m[1]!, quality: 'weak' as const })),
      ].filter((a) => a.name),
      digitalCurrencyAddresses: [...remarks.matchAll(ADDRESS)].map((m) => ({ currency: m[1]!, address: m[2]! })),
    };
  });
  return {
    entries,
    version: {
      list: 'ofac-sdn',
      contentHash: hash.digest('hex'),
      entryCount: entries.length,
      loadedAt: new Date().toISOString(),
    },
  };
}
