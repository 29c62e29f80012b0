// Reader for OFAC's SDN list in its XML publication (SDN.XML, the sdnList schema). It gives
// the same entries as the legacy CSV reader, but the XML carries as fields what the CSV
// buries in the remarks: weak aliases, identifiers, nationalities and dates of birth.

import { XMLParser } from 'fast-xml-parser';
import { countryCodes, parseOfacBirthDate, type DateRange } from './attributes.ts';
import { SanctionsListError, type ParsedList, type SanctionsEntry } from './sanctionsList.ts';

const LIST = 'ofac-sdn';

interface SdnName {
  firstName?: string;
  lastName?: string;
}

interface SdnAka extends SdnName {
  category?: string;
}

interface SdnEntry extends SdnName {
  uid?: string;
  sdnType?: string;
  programList?: { program?: string[] };
  akaList?: { aka?: SdnAka[] };
  idList?: { id?: { idType?: string; idNumber?: string }[] };
  addressList?: { address?: { country?: string }[] };
  nationalityList?: { nationality?: { country?: string }[] };
  citizenshipList?: { citizenship?: { country?: string }[] };
  dateOfBirthList?: { dateOfBirthItem?: { dateOfBirth?: string }[] };
}

// An empty element (<akaList/>) parses to '' rather than an object; ''.aka is undefined all the same.
interface SdnDocument {
  sdnList?: {
    publshInformation?: { Publish_Date?: string };
    sdnEntry?: SdnEntry[];
  };
}

const REPEATED = new Set(['sdnEntry', 'program', 'aka', 'id', 'address', 'nationality', 'citizenship', 'dateOfBirthItem']);

const parser = new XMLParser({
  // uids and identifier numbers are identifiers, not numbers: leading zeros must stay.
  parseTagValue: false,
  // An entry with a single program or alias must still give an array.
  isArray: (tagName) => REPEATED.has(tagName),
});

const text = (value: string | undefined) => (value ?? '').replace(/\s+/g, ' ').trim();

// The form sdn.csv gives names in, so both readers produce the same names to match against.
const fullName = ({ firstName, lastName }: SdnName) => [text(lastName), text(firstName)].filter(Boolean).join(', ');

const CURRENCY = /^Digital Currency Address - (\S+)$/;

function toEntry(entry: SdnEntry): SanctionsEntry {
  return {
    list: LIST,
    entryId: text(entry.uid),
    name: fullName(entry),
    entityType: text(entry.sdnType).toLowerCase() || 'entity',
    programs: (entry.programList?.program ?? []).map(text).filter(Boolean),
    aliases: (entry.akaList?.aka ?? [])
      // OFAC marks low-quality aliases 'weak'; an alias without a category is a full one.
      .map((a) => ({ name: fullName(a), quality: text(a.category).toLowerCase() === 'weak' ? ('weak' as const) : ('strong' as const) }))
      .filter((a) => a.name),
    digitalCurrencyAddresses: (entry.idList?.id ?? []).flatMap((id) => {
      const currency = CURRENCY.exec(text(id.idType))?.[1];
      const address = text(id.idNumber);
      return currency && address ? [{ currency, address }] : [];
    }),
    countries: countryCodes([
      ...(entry.nationalityList?.nationality ?? []).map((n) => n.country),
      ...(entry.citizenshipList?.citizenship ?? []).map((c) => c.country),
      ...(entry.addressList?.address ?? []).map((a) => a.country),
    ]),
    birthDates: (entry.dateOfBirthList?.dateOfBirthItem ?? [])
      .map((d) => parseOfacBirthDate(text(d.dateOfBirth)))
      .filter((r): r is DateRange => r !== undefined),
  };
}

// OFAC writes the publication date the American way, MM/DD/YYYY.
function publishDate(value: string | undefined): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text(value));
  return m ? `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}` : null;
}

export function parseOfacSdnXml(xml: Buffer | string): ParsedList {
  const root = (parser.parse(xml) as SdnDocument).sdnList;
  // Any other document would parse to no entries, and an empty list clears every party;
  // so would a truncated download that kept the root but lost the entries.
  if (root === undefined) throw new SanctionsListError("not OFAC's SDN list: the document has no sdnList root; expected OFAC's SDN.XML");
  if (!root.sdnEntry?.length) throw new SanctionsListError("OFAC's SDN list has no sdnEntry: refusing an empty list");
  return {
    entries: root.sdnEntry.map(toEntry),
    publishedAt: publishDate(root.publshInformation?.Publish_Date),
  };
}
