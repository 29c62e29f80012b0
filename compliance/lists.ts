// The sanctions lists a deployment screens against, read from where they are configured.

import { readOfacSdn, type ListVersion, type SanctionsEntry } from './ofac';
import { Screener } from './screening';
import type { Thresholds } from './thresholds';
import { readUnConsolidated } from './un';

export interface LoadedList {
  entries: SanctionsEntry[];
  version: ListVersion;
}

/** OFAC's SDN list always; the UN consolidated list when a file is given. */
export async function readLists(sources: { ofacDir: string; unFile?: string }): Promise<LoadedList[]> {
  return [await readOfacSdn(sources.ofacDir), ...(sources.unFile ? [await readUnConsolidated(sources.unFile)] : [])];
}

export function screenerOf(lists: LoadedList[], blocklist: string[] = [], thresholds?: Thresholds): Screener {
  return new Screener(lists.flatMap((l) => l.entries), lists.map((l) => l.version), blocklist, thresholds);
}
