// Reader for the UN Security Council consolidated sanctions list (consolidated.xml).

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import type { ListVersion, SanctionsEntry } from './ofac';

const LIST = 'un-consolidated';

interface UnAlias {
  QUALITY?: string;
  ALIAS_NAME?: string;
}

interface UnRecord {
  DATAID?: string;
  REFERENCE_NUMBER?: string;
  FIRST_NAME?: string;
  SECOND_NAME?: string;
  THIRD_NAME?: string;
  FOURTH_NAME?: string;
  UN_LIST_TYPE?: string;
  NAME_ORIGINAL_SCRIPT?: string;
  INDIVIDUAL_ALIAS?: UnAlias[];
  ENTITY_ALIAS?: UnAlias[];
}

// An empty <ENTITIES/> parses to '' rather than an object; ''.ENTITY is undefined all the same.
interface UnDocument {
  CONSOLIDATED_LIST?: {
    INDIVIDUALS?: { INDIVIDUAL?: UnRecord[] };
    ENTITIES?: { ENTITY?: UnRecord[] };
  };
}

const REPEATED = new Set(['INDIVIDUAL', 'ENTITY', 'INDIVIDUAL_ALIAS', 'ENTITY_ALIAS']);

const parser = new XMLParser({
  // Reference numbers and DATAIDs are identifiers, not numbers.
  parseTagValue: false,
  // A record with a single alias must still give an array.
  isArray: (tagName) => REPEATED.has(tagName),
});

// Some names are wrapped across lines in the XML (two Arabic NAME_ORIGINAL_SCRIPTs in the
// 2026-02 file), so the line break and indentation are not part of the name.
const text = (value: string | undefined) => (value ?? '').replace(/\s+/g, ' ').trim();

// Only 'Low' is the UN's low-quality alias; 'Good', 'a.k.a.', 'f.k.a.' and blank are all
// names the person or entity is known by.
const quality = (q: string | undefined): 'strong' | 'weak' => (q === 'Low' ? 'weak' : 'strong');

function toEntry(record: UnRecord, entityType: 'individual' | 'entity'): SanctionsEntry {
  const nameParts =
    entityType === 'individual'
      ? [record.FIRST_NAME, record.SECOND_NAME, record.THIRD_NAME, record.FOURTH_NAME]
      : [record.FIRST_NAME];
  const aliases = [...(record.INDIVIDUAL_ALIAS ?? []), ...(record.ENTITY_ALIAS ?? [])]
    .map((a) => ({ name: text(a.ALIAS_NAME), quality: quality(a.QUALITY) }))
    .filter((a) => a.name);
  const originalScript = text(record.NAME_ORIGINAL_SCRIPT);
  if (originalScript) aliases.push({ name: originalScript, quality: 'strong' });
  return {
    list: LIST,
    entryId: record.REFERENCE_NUMBER || record.DATAID || '',
    name: nameParts.map(text).filter(Boolean).join(' '),
    entityType,
    programs: record.UN_LIST_TYPE ? [record.UN_LIST_TYPE] : [],
    aliases,
    digitalCurrencyAddresses: [],
  };
}

export async function readUnConsolidated(file: string): Promise<{ entries: SanctionsEntry[]; version: ListVersion }> {
  const raw = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the UN consolidated list: ${file} (${err.code}); set SANCTIONS_UN_FILE to the path of the UN Security Council's consolidated.xml`);
  });
  const root = (parser.parse(raw) as UnDocument).CONSOLIDATED_LIST;
  // Any other file would parse to no entries, and an empty list clears every party.
  if (!root) throw new Error(`not the UN consolidated list: ${file} has no CONSOLIDATED_LIST root; set SANCTIONS_UN_FILE to the UN Security Council's consolidated.xml`);
  const entries = [
    ...(root.INDIVIDUALS?.INDIVIDUAL ?? []).map((r) => toEntry(r, 'individual')),
    ...(root.ENTITIES?.ENTITY ?? []).map((r) => toEntry(r, 'entity')),
  ];
  return {
    entries,
    version: {
      list: LIST,
      contentHash: createHash('sha256').update(raw).digest('hex'),
      entryCount: entries.length,
      loadedAt: new Date().toISOString(),
    },
  };
}
