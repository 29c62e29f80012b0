// Reader for the UN Security Council consolidated sanctions list (consolidated.xml).

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { approximately, countryCodes, dateRange, type DateRange } from './attributes.ts';
import { SanctionsListError, type ParsedList, type SanctionsEntry } from './sanctionsList.ts';

const LIST = 'un-consolidated';

interface UnAlias {
  QUALITY?: string;
  ALIAS_NAME?: string;
}

interface UnBirthDate {
  TYPE_OF_DATE?: string;
  DATE?: string;
  YEAR?: string;
  FROM_YEAR?: string;
  TO_YEAR?: string;
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
  NATIONALITY?: { VALUE?: string | string[] }[];
  INDIVIDUAL_ADDRESS?: { COUNTRY?: string }[];
  ENTITY_ADDRESS?: { COUNTRY?: string }[];
  INDIVIDUAL_DATE_OF_BIRTH?: UnBirthDate[];
}

// An empty <ENTITIES/> parses to '' rather than an object; ''.ENTITY is undefined all the same.
interface UnDocument {
  CONSOLIDATED_LIST?: {
    dateGenerated?: string;
    INDIVIDUALS?: { INDIVIDUAL?: UnRecord[] };
    ENTITIES?: { ENTITY?: UnRecord[] };
  };
}

const REPEATED = new Set(['INDIVIDUAL', 'ENTITY', 'INDIVIDUAL_ALIAS', 'ENTITY_ALIAS', 'NATIONALITY', 'INDIVIDUAL_ADDRESS', 'ENTITY_ADDRESS', 'INDIVIDUAL_DATE_OF_BIRTH']);

const parser = new XMLParser({
  // The root's dateGenerated is the publication date.
  ignoreAttributes: false,
  attributeNamePrefix: '',
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

function birthDate(d: UnBirthDate): DateRange | undefined {
  if (d.DATE && /^\d{4}-\d{2}-\d{2}$/.test(d.DATE.trim())) {
    const [y, m, day] = d.DATE.trim().split('-').map(Number) as [number, number, number];
    return dateRange(y, m, day);
  }
  if (d.YEAR) {
    const year = dateRange(Number(d.YEAR));
    return d.TYPE_OF_DATE === 'APPROXIMATELY' ? approximately(year) : year;
  }
  if (d.FROM_YEAR && d.TO_YEAR) return { from: dateRange(Number(d.FROM_YEAR)).from, to: dateRange(Number(d.TO_YEAR)).to };
  return undefined;
}

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
    countries: countryCodes([
      ...(record.NATIONALITY ?? []).flatMap((n) => n.VALUE ?? []),
      ...[...(record.INDIVIDUAL_ADDRESS ?? []), ...(record.ENTITY_ADDRESS ?? [])].map((a) => a.COUNTRY),
    ]),
    birthDates: (record.INDIVIDUAL_DATE_OF_BIRTH ?? []).map(birthDate).filter((d): d is DateRange => d !== undefined),
  };
}

export function parseUnConsolidated(xml: Buffer): ParsedList {
  const text = xml.toString('utf8');
  const root = (parser.parse(text) as UnDocument).CONSOLIDATED_LIST;
  // Any other document would parse to no entries, and an empty list clears every party.
  if (!root) throw new SanctionsListError('not the UN consolidated list: the document has no CONSOLIDATED_LIST root');
  // The parser closes what a document left open, so a file cut short would read as a shorter list.
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new SanctionsListError(`the XML is cut short or malformed (${valid.err.msg.replace(/\s+/g, ' ')})`);
  return {
    entries: [
      ...(root.INDIVIDUALS?.INDIVIDUAL ?? []).map((r) => toEntry(r, 'individual')),
      ...(root.ENTITIES?.ENTITY ?? []).map((r) => toEntry(r, 'entity')),
    ],
    publishedAt: root.dateGenerated ?? null,
  };
}
