// Dual-layer screening. Layer 1 scores each party name against the listed names and
// strong aliases it shares keys with (a candidate index, so a query touches a small
// fraction of the list), then moves the score by what the party's entity type, country
// and date of birth say about the entry; layer 2 matches wallets exactly against listed
// addresses and the operator's blocklist. A wallet hit, or a name scoring at or above the
// fail threshold, fails; a name between the review and fail thresholds is flagged for a
// person; anything else clears. Weak (low-quality) aliases are too short or common to name
// anyone: an exact weak hit counts only when the party's country or date of birth
// corroborates it, and then only for review.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonicalJson.ts';
import type { ListVersion, SanctionsEntry } from './sanctionsList.ts';
import { adjustments, MAX_BOOST, type PartyAttributes } from './attributes.ts';
import { comparePrepared, phoneticKey, prepareName, tokenize, type PreparedName } from './nameScore.ts';
import { Postings } from './postings.ts';
import type { Thresholds } from '../domain/thresholds.ts';

export const SCREENING_ALGORITHM = 'token-alignment-v2';

export interface ScreenedParty extends PartyAttributes {
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
  const { name, aliases, entityType, programs, countries, birthDates } = entry;
  return sha(canonicalJson({ name, aliases, entityType, programs, countries, birthDates })).slice(0, 32);
}

export const suppressionKey = (party: string, list: string, entryId: string, fingerprint: string) => `${party}|${list}|${entryId}|${fingerprint}`;

export interface ScreeningMatch {
  partyRole: string;
  layer: 'name' | 'wallet';
  /** weak: the hit is only on a low-quality alias. */
  quality: 'strong' | 'weak';
  /** The listed address, or the listed name or strong alias spelled the same way: never suppressed. */
  exact: boolean;
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

export interface Spelling {
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
function indexKeys(prepared: PreparedName): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const { tokens } of prepared) {
    keys.add(`x:${tokens.join(' ')}`);
    for (const t of tokens) {
      keys.add(`t:${t}`);
      keys.add(`p:${phoneticKey(t)}`);
      for (const d of deletions(t)) keys.add(`d:${d}`);
    }
  }
  return keys;
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

export interface NameMatch {
  spelling: Spelling;
  /** The name score moved by the party's attributes, in [0, 1]. */
  score: number;
  /** The name score alone: 1 when the name is the listed spelling. */
  nameScore: number;
  reason: string;
}

const clamp = (score: number) => Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000;
const signed = (delta: number) => (delta > 0 ? `+${delta}` : `${delta}`);
/** Entries per slice of an index build; between slices the event loop serves screenings with the old index. */
const BUILD_SLICE = 100;

export class Screener {
  private readonly spellings: Spelling[] = [];
  private postings = Postings.EMPTY;
  private readonly wallets = new Map<string, { entry: SanctionsEntry | undefined; matched: string }>();

  private constructor(readonly versions: ListVersion[]) {}

  /** Builds the index in slices, yielding between them, so a refresh does not stall the process. */
  static async build(entries: SanctionsEntry[], versions: ListVersion[], blocklist: string[] = []): Promise<Screener> {
    const screener = new Screener(versions);
    for (let i = 0; i < entries.length; i += BUILD_SLICE) {
      for (const entry of entries.slice(i, i + BUILD_SLICE)) screener.add(entry);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { spellings } = screener;
    screener.postings = await Postings.build(spellings.length, (id) => indexKeys(spellings[id]!.prepared));
    for (const address of blocklist) screener.wallets.set(address.toLowerCase(), { entry: undefined, matched: address });
    return screener;
  }

  private add(entry: SanctionsEntry): void {
    for (const { name, quality } of [{ name: entry.name, quality: 'strong' as const }, ...entry.aliases]) {
      const prepared = prepareName(name);
      if (!prepared.some((p) => p.tokens.length)) continue;
      const length = Math.max(...prepared.map((a) => a.tokens.join('').length));
      this.spellings.push({ entry, name, quality, prepared, schema: schemaOf(entry), length });
    }
    for (const { address } of entry.digitalCurrencyAddresses) {
      // EVM addresses are the same account on every EVM chain, whatever currency OFAC filed them under.
      const key = address.toLowerCase();
      if (EVM_ADDRESS.test(key)) this.wallets.set(key, { entry, matched: address });
    }
  }

  get walletCount(): number {
    return this.wallets.size;
  }

  get spellingCount(): number {
    return this.spellings.length;
  }

  /** The best match per listed entry scoring at least `floor` once the party's attributes count, best first. */
  matchName(name: string, floor: number, attributes: PartyAttributes = {}): NameMatch[] {
    const prepared = prepareName(name);
    const hits = new Map<number, number>();
    const { exact, fuzzy } = queryKeys(prepared);
    for (const key of exact) for (const id of this.postings.get(key)) hits.set(id, Number.POSITIVE_INFINITY);
    const keys = fuzzy.map((k) => this.postings.get(k)).filter((p) => p.length);
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
    const best = new Map<SanctionsEntry, NameMatch>();
    for (const [id] of candidates) {
      const spelling = this.spellings[id]!;
      const { score: nameScore, reason } = comparePrepared(prepared, spelling.prepared, spelling.schema);
      if (nameScore < floor - MAX_BOOST) continue;
      const moves = adjustments(attributes, spelling.entry);
      if (spelling.quality === 'weak' && !(nameScore >= 1 && moves.some((m) => m.delta > 0) && moves.every((m) => m.delta > 0))) continue;
      const score = clamp(nameScore + moves.reduce((sum, m) => sum + m.delta, 0));
      if (score < floor) continue;
      const match = { spelling, score, nameScore, reason: [reason, ...moves.map((m) => `${m.reason} (${signed(m.delta)})`)].join('; ') };
      // A strong spelling speaks for the entry before a weak one does.
      const held = best.get(spelling.entry);
      const outranks = !held || (held.spelling.quality === spelling.quality ? score > held.score : spelling.quality === 'strong');
      if (outranks) best.set(spelling.entry, match);
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  /** `suppressions`: suppressionKey()s a reviewer recorded; an exact hit is never suppressed. */
  screen(parties: ScreenedParty[], { thresholds, suppressions = new Set() }: { thresholds: Thresholds; suppressions?: ReadonlySet<string> }): ScreeningResult {
    const matches: ScreeningMatch[] = [];
    const suppressed: ScreeningMatch[] = [];
    for (const party of parties) {
      const found: ScreeningMatch[] = this.matchName(party.name, thresholds.review, party).map(({ spelling, score, nameScore, reason }) => ({
        partyRole: party.role,
        layer: 'name',
        quality: spelling.quality,
        exact: spelling.quality === 'strong' && nameScore >= 1,
        list: spelling.entry.list,
        entryId: spelling.entry.entryId,
        entryName: spelling.entry.name,
        entryFingerprint: entryFingerprint(spelling.entry),
        matched: spelling.name,
        score,
        reason,
      }));
      const wallet = this.wallets.get(party.walletAddress.toLowerCase());
      if (wallet) {
        found.push({
          partyRole: party.role,
          layer: 'wallet',
          quality: 'strong',
          exact: true,
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
        const waived = !m.exact && party.key !== undefined && suppressions.has(suppressionKey(party.key, m.list, m.entryId, m.entryFingerprint));
        (waived ? suppressed : matches).push(m);
      }
    }
    const fails = matches.some((m) => m.layer === 'wallet' || (m.quality === 'strong' && m.score >= thresholds.fail));
    return {
      outcome: fails ? 'failed' : matches.length ? 'flagged' : 'cleared',
      algorithm: SCREENING_ALGORITHM,
      thresholds,
      listVersions: this.versions,
      matches,
      suppressed,
    };
  }
}
