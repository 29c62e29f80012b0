import type { PartyAttributes } from '../compliance/attributes.ts';
import type { ScreeningIndex } from '../compliance/lists.ts';
import { partyKey, suppressionKey, type ScreenedParty, type ScreeningResult } from '../compliance/screening.ts';
import type { Thresholds } from '../domain/thresholds.ts';
import type { Db, Models } from '../db/client.ts';
import { thresholdsFor } from '../db/screening.ts';

/** A party's attributes as stored (the API accepted only individual or organization as entity type). */
const attributesOf = (party: { entityType: string | null; country: string | null; dateOfBirth: string | null }): PartyAttributes => ({
  entityType: (party.entityType ?? undefined) as PartyAttributes['entityType'],
  country: party.country ?? undefined,
  dateOfBirth: party.dateOfBirth ?? undefined,
});

/** A party as a settlement stores it, before or after the row exists. */
export interface SettlementParty {
  role: string;
  name: string;
  walletAddress: string;
  externalReference: string;
  entityType: string | null;
  country: string | null;
  dateOfBirth: string | null;
}

export interface SettlementScreeningDeps {
  /** The owner's client in the worker, the caller's tenant view in the API: only suppressions and policies are read. */
  db: Pick<Models, 'screeningSuppression' | 'screeningPolicy'>;
  index: ScreeningIndex;
  thresholds: Thresholds;
}

/**
 * Both layers over a settlement's parties, with its environment's thresholds and active
 * suppressions: what a settlement's workflow screens (screenParties below), and what a dry run
 * of one not made yet screens in the API (api/settlements/dryRun.ts), so the two cannot differ.
 */
export async function screenSettlementParties(
  { db, index, thresholds }: SettlementScreeningDeps,
  scope: { platformId: string; environment: string },
  settlementParties: readonly SettlementParty[],
): Promise<ScreeningResult> {
  const parties = settlementParties.map((p) => ({
    role: p.role,
    name: p.name,
    walletAddress: p.walletAddress,
    key: partyKey(p.externalReference, p.name),
    ...attributesOf(p),
  }));
  const suppressions = await db.screeningSuppression.findMany({ where: { ...scope, active: true, partyKey: { in: parties.map((p) => p.key) } } });
  return index.screener.screen(parties, {
    thresholds: await thresholdsFor(db, scope, thresholds),
    suppressions: new Set(suppressions.map((s) => suppressionKey(s.partyKey, s.list, s.entryId, s.entryFingerprint))),
  });
}

export function complianceActivities(deps: SettlementScreeningDeps & { db: Db }) {
  const { db, index, thresholds } = deps;
  return {
    /** Both layers, re-run for every settlement; the result names matched list entries, never echoes party data. */
    async screenParties({ settlementId }: { settlementId: string }): Promise<ScreeningResult> {
      const settlement = await db.settlement.findUniqueOrThrow({ where: { id: settlementId }, include: { parties: true } });
      return screenSettlementParties(deps, { platformId: settlement.platformId, environment: settlement.environment }, settlement.parties);
    },

    /** One party screened on request (admin tools), with its platform's thresholds and the worker's live index. */
    async screenParty({ platformId, environment, party }: { platformId: string; environment: string; party: ScreenedParty }): Promise<ScreeningResult> {
      return index.screener.screen([party], { thresholds: await thresholdsFor(db, { platformId, environment }, thresholds) });
    },
  };
}
