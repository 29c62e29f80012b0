// Dual-layer screening with normalized exact matching: layer 1 matches party names
// against entry names and aliases, layer 2 matches wallets against listed addresses
// and the operator's blocklist. A hit on a name, a strong alias or a wallet fails; a
// hit on a weak alias only (OFAC's low-quality a.k.a.s) is flagged for a person to
// decide. Fuzzy scoring replaces layer 1 later.

import type { ListVersion, SanctionsEntry } from './ofac';

export const SCREENING_ALGORITHM = 'exact-normalized-v1';

export interface ScreenedParty {
  role: string;
  name: string;
  walletAddress: string;
}

export interface ScreeningMatch {
  partyRole: string;
  layer: 'name' | 'wallet';
  /** weak: the hit is only on a low-quality alias. */
  quality: 'strong' | 'weak';
  list: string;
  entryId: string;
  entryName: string;
  /** The list's spelling that matched (name or alias) or the listed address. */
  matched: string;
}

export interface ScreeningResult {
  outcome: 'cleared' | 'flagged' | 'failed';
  algorithm: string;
  listVersions: ListVersion[];
  matches: ScreeningMatch[];
}

const EVM_ADDRESS = /^0x[0-9a-f]{40}$/;

/** Case, accents, punctuation and token order do not distinguish names: "DOE, John" is "John Doe". */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .sort()
    .join(' ');
}

export class Screener {
  private readonly names = new Map<string, { entry: SanctionsEntry; matched: string; quality: 'strong' | 'weak' }[]>();
  private readonly wallets = new Map<string, { entry: SanctionsEntry | undefined; matched: string }>();

  constructor(
    entries: SanctionsEntry[],
    private readonly versions: ListVersion[],
    blocklist: string[] = [],
  ) {
    for (const entry of entries) {
      const spellings = [{ name: entry.name, quality: 'strong' as const }, ...entry.aliases];
      for (const { name, quality } of spellings) {
        const key = normalizeName(name);
        if (!key) continue;
        const hits = this.names.get(key) ?? [];
        hits.push({ entry, matched: name, quality });
        this.names.set(key, hits);
      }
      for (const { address } of entry.digitalCurrencyAddresses) {
        // EVM addresses are the same account on every EVM chain, whatever currency OFAC filed them under.
        const key = address.toLowerCase();
        if (EVM_ADDRESS.test(key)) this.wallets.set(key, { entry, matched: address });
      }
    }
    for (const address of blocklist) this.wallets.set(address.toLowerCase(), { entry: undefined, matched: address });
  }

  get walletCount(): number {
    return this.wallets.size;
  }

  screen(parties: ScreenedParty[]): ScreeningResult {
    const matches: ScreeningMatch[] = [];
    for (const party of parties) {
      for (const { entry, matched, quality } of this.names.get(normalizeName(party.name)) ?? []) {
        matches.push({ partyRole: party.role, layer: 'name', quality, list: entry.list, entryId: entry.entryId, entryName: entry.name, matched });
      }
      const wallet = this.wallets.get(party.walletAddress.toLowerCase());
      if (wallet) {
        matches.push({
          partyRole: party.role,
          layer: 'wallet',
          quality: 'strong',
          list: wallet.entry?.list ?? 'internal-blocklist',
          entryId: wallet.entry?.entryId ?? party.walletAddress.toLowerCase(),
          entryName: wallet.entry?.name ?? 'blocked address',
          matched: wallet.matched,
        });
      }
    }
    const outcome = matches.some((m) => m.quality === 'strong') ? 'failed' : matches.length ? 'flagged' : 'cleared';
    return {
      outcome,
      algorithm: SCREENING_ALGORITHM,
      listVersions: this.versions,
      matches,
    };
  }
}
