// The sanctions lists a deployment screens against: where each comes from (files or URLs,
// as configured), how one load is versioned, and the live index a worker screens with,
// which a refresh replaces in one step while the old one keeps answering.

import { createHash } from 'node:crypto';
import { listsLayout } from '../config/paths.ts';
import { OFAC_CSV_FILES, parseOfacSdnCsv } from './ofac.ts';
import { parseOfacSdnXml } from './ofacXml.ts';
import { SanctionsListError, type ListVersion, type LoadedList, type ParsedList } from './sanctionsList.ts';
import { Screener } from './screening.ts';
import { locationsIn, readDocument } from './sources.ts';
import { parseUnConsolidated } from './un.ts';

export interface ListSource {
  list: string;
  /** The setting that names the source, for error messages. */
  setting: string;
  /** The documents one load reads, found anew for each load (see locationsIn). */
  locate(): Promise<string[]>;
  parse(documents: Buffer[]): ParsedList;
}

export interface ListSettings {
  /** Folder or base URL of OFAC's legacy CSV files. */
  SANCTIONS_OFAC_DIR?: string | undefined;
  /** File or URL of OFAC's SDN.XML; read instead of the CSV files when both are set. */
  SANCTIONS_OFAC_XML?: string | undefined;
  /** File or URL of the UN Security Council's consolidated.xml. */
  SANCTIONS_UN_FILE?: string | undefined;
  /** A lists folder (`lockstep lists fetch`'s layout), for the lists the two settings above leave unset. */
  SANCTIONS_LISTS_DIR?: string | undefined;
}

export function listSources(given: ListSettings): ListSource[] {
  const folder = given.SANCTIONS_LISTS_DIR ? listsLayout(given.SANCTIONS_LISTS_DIR) : undefined;
  const settings = { ...given, SANCTIONS_OFAC_DIR: given.SANCTIONS_OFAC_DIR ?? folder?.ofacDir, SANCTIONS_UN_FILE: given.SANCTIONS_UN_FILE ?? folder?.unFile };
  const sources: ListSource[] = [];
  if (settings.SANCTIONS_OFAC_XML) {
    const file = settings.SANCTIONS_OFAC_XML;
    sources.push({ list: 'ofac-sdn', setting: 'SANCTIONS_OFAC_XML', locate: async () => [file], parse: ([xml]) => parseOfacSdnXml(xml!) });
  } else if (settings.SANCTIONS_OFAC_DIR) {
    const dir = settings.SANCTIONS_OFAC_DIR;
    sources.push({ list: 'ofac-sdn', setting: 'SANCTIONS_OFAC_DIR', locate: () => locationsIn(dir, OFAC_CSV_FILES, 'SANCTIONS_OFAC_DIR'), parse: parseOfacSdnCsv });
  }
  if (settings.SANCTIONS_UN_FILE) {
    const file = settings.SANCTIONS_UN_FILE;
    sources.push({ list: 'un-consolidated', setting: 'SANCTIONS_UN_FILE', locate: async () => [file], parse: ([xml]) => parseUnConsolidated(xml!) });
  }
  // No list would clear every party.
  if (!sources.length) throw new SanctionsListError('no sanctions list configured: set SANCTIONS_LISTS_DIR (see lockstep lists fetch), SANCTIONS_OFAC_DIR or SANCTIONS_OFAC_XML, and optionally SANCTIONS_UN_FILE');
  return sources;
}

/** What identifies a list's version: the hash of its documents, in the order the reader takes them. */
export function contentHash(documents: Buffer[]): string {
  const hash = createHash('sha256');
  for (const d of documents) hash.update(d);
  return hash.digest('hex');
}

export async function loadList(source: ListSource): Promise<LoadedList> {
  const locations = await source.locate();
  const documents = await Promise.all(locations.map((l) => readDocument(l, source.setting)));
  const bytes = documents.map((d) => d.bytes);
  let parsed: ParsedList;
  try {
    parsed = source.parse(bytes);
  } catch (err) {
    throw new SanctionsListError(`cannot read ${source.list} from ${locations.join(', ')}: ${(err as Error).message}; check ${source.setting}`, { cause: err });
  }
  if (!parsed.entries.length) throw new SanctionsListError(`${source.list} from ${locations.join(', ')} has no entries; check ${source.setting}`);
  const modified = documents.map((d) => d.modifiedAt).filter((m): m is string => m !== null).sort().at(-1) ?? null;
  return {
    entries: parsed.entries,
    version: {
      list: source.list,
      contentHash: contentHash(bytes),
      entryCount: parsed.entries.length,
      publishedAt: parsed.publishedAt ?? modified,
      loadedAt: new Date().toISOString(),
    },
  };
}

export const readLists = (sources: ListSource[]): Promise<LoadedList[]> => Promise.all(sources.map(loadList));

export const screenerOf = (lists: LoadedList[], blocklist: string[] = []): Promise<Screener> =>
  Screener.build(lists.flatMap((l) => l.entries), lists.map((l) => l.version), blocklist);

export interface RefreshOutcome {
  changed: boolean;
  versions: ListVersion[];
}

/** The index a worker screens with. `screener` is always a complete index: old until a refresh swaps in the new one. */
export class ScreeningIndex {
  private refreshing: Promise<RefreshOutcome> | undefined;

  private constructor(
    private readonly sources: ListSource[],
    private readonly blocklist: string[],
    private current: Screener,
  ) {}

  static async load(sources: ListSource[], blocklist: string[] = []): Promise<ScreeningIndex> {
    return new ScreeningIndex(sources, blocklist, await screenerOf(await readLists(sources), blocklist));
  }

  get screener(): Screener {
    return this.current;
  }

  /** Re-reads every list; rebuilds only when a list's content changed. Concurrent calls share one refresh. */
  refresh(): Promise<RefreshOutcome> {
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reload(): Promise<RefreshOutcome> {
    const lists = await readLists(this.sources);
    const before = new Map(this.current.versions.map((v) => [v.list, v.contentHash]));
    if (lists.every((l) => before.get(l.version.list) === l.version.contentHash)) return { changed: false, versions: this.current.versions };
    this.current = await screenerOf(lists, this.blocklist);
    return { changed: true, versions: this.current.versions };
  }
}
