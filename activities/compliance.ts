import type { Screener, ScreeningResult } from '../compliance/screening';
import type { Db } from '../db/client';

export function complianceActivities({ db, screener }: { db: Db; screener: Screener }) {
  return {
    /** Both layers, re-run for every settlement; the result names matched list entries, never echoes party data. */
    async screenParties({ settlementId }: { settlementId: string }): Promise<ScreeningResult> {
      const parties = await db.party.findMany({ where: { settlementId } });
      return screener.screen(parties.map((p) => ({ role: p.role, name: p.name, walletAddress: p.walletAddress })));
    },
  };
}
