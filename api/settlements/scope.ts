// Which settlements a caller may see: those of its platform environment, narrowed by its
// client's wallet restriction (settlements involving one of those wallets) and by a session
// token's settlement ids. Outside that, a settlement does not exist for the caller (404).

import type { Prisma } from '../../generated/prisma/client.ts';

export interface SettlementScope {
  platformId: string;
  environment: string;
  wallets?: string[];
  settlementIds?: string[] | null;
}

export function settlementWhere(scope: SettlementScope): Prisma.SettlementWhereInput {
  return {
    platformId: scope.platformId,
    environment: scope.environment,
    ...(scope.wallets?.length ? { parties: { some: { walletAddress: { in: scope.wallets.map((w) => w.toLowerCase()) } } } } : {}),
    ...(scope.settlementIds ? { id: { in: scope.settlementIds } } : {}),
  };
}
