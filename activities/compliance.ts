import { partyKey, suppressionKey, type Screener, type ScreeningResult } from '../compliance/screening';
import type { Db } from '../db/client';

export function complianceActivities({ db, screener }: { db: Db; screener: Screener }) {
  return {
    /** Both layers, re-run for every settlement; the result names matched list entries, never echoes party data. */
    async screenParties({ settlementId }: { settlementId: string }): Promise<ScreeningResult> {
      const settlement = await db.settlement.findUniqueOrThrow({ where: { id: settlementId }, include: { parties: true } });
      const parties = settlement.parties.map((p) => ({ role: p.role, name: p.name, walletAddress: p.walletAddress, key: partyKey(p.externalReference, p.name) }));
      const suppressions = await db.screeningSuppression.findMany({
        where: { platformId: settlement.platformId, environment: settlement.environment, partyKey: { in: parties.map((p) => p.key) } },
      });
      return screener.screen(parties, new Set(suppressions.map((s) => suppressionKey(s.partyKey, s.list, s.entryId, s.entryFingerprint))));
    },
  };
}
