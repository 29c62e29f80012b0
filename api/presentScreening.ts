// A screening as the API shows it: snake_case, without the suppression keys. The same for a
// party screened on request and for the screening a settlement's trail holds.

import type { ScreeningMatch, ScreeningResult } from '../compliance/screening.ts';

/** A match as the trail holds it: results screened before matches carried `exact` said so by score alone. */
export type TrailMatch = Omit<ScreeningMatch, 'exact'> & { exact?: boolean };
export const isExact = (m: TrailMatch) => m.exact ?? (m.layer === 'wallet' || m.score >= 1);

export const presentScreening = (r: Omit<ScreeningResult, 'matches'> & { matches: TrailMatch[] }) => ({
  outcome: r.outcome,
  algorithm: r.algorithm,
  thresholds: r.thresholds,
  list_versions: r.listVersions.map((v) => ({
    list: v.list,
    content_hash: v.contentHash,
    entry_count: v.entryCount,
    published_at: v.publishedAt,
    loaded_at: v.loadedAt,
  })),
  matches: r.matches.map((m) => ({
    party_role: m.partyRole,
    layer: m.layer,
    quality: m.quality,
    exact: isExact(m),
    list: m.list,
    entry_id: m.entryId,
    entry_name: m.entryName,
    matched: m.matched,
    score: m.score,
    reason: m.reason,
  })),
});
