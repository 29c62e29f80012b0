// What every list reader produces, whatever the publisher's format. A reader parses the
// documents of one publication into entries; adding the EU or UK list is one more reader.

import { LockstepError } from '../domain/errors.ts';
import type { DateRange } from './attributes.ts';

/**
 * A list that cannot be read, fetched or taken as it is: unreachable, cut short, not the format
 * expected, empty or much shorter than the last. Whoever loads or fetches keeps the lists it had.
 */
export class SanctionsListError extends LockstepError {
  override readonly name = 'SanctionsListError';
  override readonly docsPath = 'runbook.md#keeping-the-sanctions-lists-current';
}

export interface SanctionsEntry {
  list: string;
  entryId: string;
  name: string;
  /** individual, entity, vessel or aircraft */
  entityType: string;
  programs: string[];
  aliases: { name: string; quality: 'strong' | 'weak' }[];
  /** Digital currency addresses by currency code as published, e.g. { currency: 'ETH', address: '0x…' }. */
  digitalCurrencyAddresses: { currency: string; address: string }[];
  /** ISO 3166 alpha-2 codes of nationalities, citizenships and address countries the list gives. */
  countries: string[];
  birthDates: DateRange[];
}

/** What one parse of a publication found. */
export interface ParsedList {
  entries: SanctionsEntry[];
  /** The publisher's own date when the documents carry one (ISO 8601). */
  publishedAt: string | null;
}

export interface ListVersion {
  list: string;
  contentHash: string;
  entryCount: number;
  /** The publisher's date, else when the source was last modified, else null. */
  publishedAt: string | null;
  loadedAt: string;
}

export interface LoadedList {
  entries: SanctionsEntry[];
  version: ListVersion;
}
