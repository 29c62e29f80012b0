// Dual-layer screening. Layer 1 scores each party name against the listed names and
// aliases it shares keys with (a candidate index, so a query touches a small fraction of
// the list); layer 2 matches wallets exactly against listed addresses and the operator's
// blocklist. A wallet hit, or a name scoring at or above the fail threshold, fails; a
// name between the review and fail thresholds, or an exact hit on a weak (low-quality)
// alias only, is flagged for a person; anything else clears.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonicalJson';
import type { ListVersion, SanctionsEntry } from './ofac';
import { comparePrepared, phoneticKey, prepareName, tokenize, type PreparedName } from './nameScore';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';

export const SCREENING_ALGORITHM = 'token-alignment-v1';

export interface ScreenedParty {
  role: string;
  name: string;
  walletAddress: string;
  /** partyKey(external reference, name), when suppressions may apply to this party. */
  key?: string;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Who a party is for suppressions, without keeping their name: a new name is a new party. */
export function partyKey(externalReference: string, name: string): string {
  return sha(`${externalReference}\n${tokenize(name).tokens.join(' ')}`);
}

/** What a list entry says; a suppression ends when a list update changes it. */
export function entryFingerprint(entry: SanctionsEntry): string {
  return sha(canonicalJson({ name: entry.name, aliases: entry.aliases, type: entry.entityType, programs: entry.programs })).slice(0, 32);
}

export const suppressionKey = (party: string, list: string, entryId: string, fingerprint: string) => `${party}|${list}|${entryId}|${fingerprint}`;

export interface ScreeningMatch {
  partyRole: string;
  layer: 'name' | 'wallet';
  /** weak: the hit is only on a low-quality alias. */
  quality: 'strong' | 'weak';
  list: string;
  entryId: string;
  entryName: string;
  entryFingerprint: string;
  /** The list's spelling that matched (name or alias) or the listed address. */
  matched: string;
  score: number;
  reason: string;
}

export interface ScreeningResult {
  outcome: 'cleared' | 'flagged' | 'failed';
  algorithm: string;
  thresholds: Thresholds;
  listVersions: ListVersion[];
  matches: ScreeningMatch[];
  /** Matches a reviewer suppressed for this party and entry; they do not count. */
  suppressed: ScreeningMatch[];
}

interface Spelling {
  entry: SanctionsEntry;
  name: string;
  quality: 'strong' | 'weak';
  prepared: PreparedName;
  schema: string;
  /** Letters in its longest alternative, for ranking candidates. */
  length: number;
}

const EVM_ADDRESS = /^0x[0-9a-f]{40}$/;
/** Keys shared by more spellings than this say little about a candidate (al, mohammed, company). */
const COMMON_KEY = 1500;
const MAX_CANDIDATES = 60;

const deletions = (t: string) => (t.length >= 4 ? [...t].map((_, i) => t.slice(0, i) + t.slice(i + 1)) : []);

/**
 * Keys a listed spelling is filed under: its whole token sequence (exact hits always
 * surface), each token, its sound, and each token with one letter deleted, so that any
 * single-letter slip in a query still shares a key with it (SymSpell's idea).
 */
function indexKeys(prepared: PreparedName): string[] {
  const keys = new Set<string>();
  for (const { tokens } of prepared) {
    keys.add(`x:${tokens.join(' ')}`);
    for (const t of tokens) {
      keys.add(`t:${t}`);
      keys.add(`p:${phoneticKey(t)}`);
      for (const d of deletions(t)) keys.add(`d:${d}`);
    }
  }
  return [...keys];
}

/** The keys a query looks up: a slip may have deleted, inserted or replaced a letter. */
function queryKeys(prepared: PreparedName): { exact: string[]; fuzzy: string[] } {
  const exact = new Set<string>();
  const fuzzy = new Set<string>();
  for (const { tokens } of prepared) {
    exact.add(`x:${tokens.join(' ')}`);
    for (const t of tokens) {
      fuzzy.add(`t:${t}`);
      fuzzy.add(`p:${phoneticKey(t)}`);
      fuzzy.add(`d:${t}`);
      for (const d of deletions(t)) {
        fuzzy.add(`t:${d}`);
        fuzzy.add(`d:${d}`);
      }
    }
  }
  return { exact: [...exact], fuzzy: [...fuzzy] };
}

function schemaOf(entry: SanctionsEntry): string {
  if (entry.entityType === 'individual') return 'Person';
  if (entry.entityType === 'vessel') return 'Vessel';
  return 'Company';
}

export class Screener {
  private readonly spellings: Spelling[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly wallets = new Map<string, { entry: SanctionsEntry | undefined; matched: string }>();

  constructor(
    entries: SanctionsEntry[],
    private readonly versions: ListVersion[],
    blocklist: string[] = [],
    private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS,
  ) {
    for (const entry of entries) {
      for (const { name, quality } of [{ name: entry.name, quality: 'strong' as const }, ...entry.aliases]) {
        const prepared = prepareName(name);
        if (!prepared.some((p) => p.tokens.length)) continue;
        const length = Math.max(...prepared.map((a) => a.tokens.join('').length));
        const id = this.spellings.push({ entry, name, quality, prepared, schema: schemaOf(entry), length }) - 1;
        for (const key of indexKeys(prepared)) {
          const list = this.postings.get(key) ?? [];
          list.push(id);
          this.postings.set(key, list);
        }
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

  get spellingCount(): number {
    return this.spellings.length;
  }

  /** Listed spellings scoring at least the review threshold against `name` (weak aliases: only exact), best first. */
  matchName(name: string): { spelling: Spelling; score: number; reason: string }[] {
    const prepared = prepareName(name);
    const hits = new Map<number, number>();
    const { exact, fuzzy } = queryKeys(prepared);
    for (const key of exact) for (const id of this.postings.get(key) ?? []) hits.set(id, Number.POSITIVE_INFINITY);
    const keys = fuzzy.map((k) => this.postings.get(k) ?? []).filter((p) => p.length);
    const selective = keys.filter((p) => p.length <= COMMON_KEY);
    // Candidates sharing the rarest keys come first: a rare key says more than a common one.
    for (const posting of selective.length ? selective : keys.sort((p, q) => p.length - q.length).slice(0, 1)) {
      const weight = 1 / Math.log2(2 + posting.length);
      for (const id of posting) hits.set(id, (hits.get(id) ?? 0) + weight);
    }
    // Of equally keyed candidates, those of about the query's length are likelier the same name.
    const queryLength = Math.max(...prepared.map((a) => a.tokens.join('').length));
    const rank = ([id, weight]: [number, number]) => {
      const l = this.spellings[id]!.length;
      return weight * (Math.min(l, queryLength) / Math.max(l, queryLength, 1));
    };
    const candidates = [...hits].sort((a, b) => rank(b) - rank(a)).slice(0, MAX_CANDIDATES);
    const found = [];
    for (const [id] of candidates) {
      const spelling = this.spellings[id]!;
      const { score, reason } = comparePrepared(prepared, spelling.prepared, spelling.schema);
      // Weak aliases are too short or common to match on their own: only an exact hit counts.
      if (spelling.quality === 'weak' ? score >= 1 : score >= this.thresholds.review) found.push({ spelling, score, reason });
    }
    return found.sort((a, b) => b.score - a.score);
  }

  /** `suppressions`: suppressionKey()s a reviewer recorded; an exact hit is never suppressed. */
  screen(parties: ScreenedParty[], suppressions: ReadonlySet<string> = new Set()): ScreeningResult {
    const matches: ScreeningMatch[] = [];
    const suppressed: ScreeningMatch[] = [];
    for (const party of parties) {
      const found: ScreeningMatch[] = [];
      // One match per listed entry and party: its best-scoring spelling.
      const seen = new Set<SanctionsEntry>();
      for (const { spelling, score, reason } of this.matchName(party.name)) {
        if (seen.has(spelling.entry)) continue;
        seen.add(spelling.entry);
        found.push({
          partyRole: party.role,
          layer: 'name',
          quality: spelling.quality,
          list: spelling.entry.list,
          entryId: spelling.entry.entryId,
          entryName: spelling.entry.name,
          entryFingerprint: entryFingerprint(spelling.entry),
          matched: spelling.name,
          score,
          reason,
        });
      }
      const wallet = this.wallets.get(party.walletAddress.toLowerCase());
      if (wallet) {
        found.push({
          partyRole: party.role,
          layer: 'wallet',
          quality: 'strong',
          list: wallet.entry?.list ?? 'internal-blocklist',
          entryId: wallet.entry?.entryId ?? party.walletAddress.toLowerCase(),
          entryName: wallet.entry?.name ?? 'blocked address',
          entryFingerprint: wallet.entry ? entryFingerprint(wallet.entry) : 'blocklist',
          matched: wallet.matched,
          score: 1,
          reason: 'exact address',
        });
      }
      for (const m of found) {
        const exact = m.layer === 'wallet' || m.score >= 1;
        const waived = !exact && party.key !== undefined && suppressions.has(suppressionKey(party.key, m.list, m.entryId, m.entryFingerprint));
        (waived ? suppressed : matches).push(m);
      }
    }
    const fails = matches.some((m) => m.quality === 'strong' && m.score >= this.thresholds.fail);
    return {
      outcome: fails ? 'failed' : matches.length ? 'flagged' : 'cleared',
      algorithm: SCREENING_ALGORITHM,
      thresholds: this.thresholds,
      listVersions: this.versions,
      matches,
      suppressed,
    };
  }
}
