// Which settlements a caller may see: those of its platform environment and the cross-platform
// ones it is the counterparty of, narrowed by its client's wallet restriction (settlements in
// which one of its own parties has one of those wallets) and by a session token's settlement
// ids. Outside that, a settlement does not exist for the caller (404). Acting on a settlement
// (cancelling it, deciding its screening, suppressing its matches) is for the platform that
// opened it; a counterparty platform reads it, and finds nothing to act on.

import type { Prisma } from '../generated/prisma/client.ts';
import type { Tenant } from './tenant.ts';

export interface SettlementScope extends Tenant {
  wallets?: string[];
  settlementIds?: string[] | null;
  /** Only the settlements the caller's platform opened. */
  acting?: boolean;
}

/** The scope as a Prisma filter; db/settlementReads.ts has it as SQL for the one-round-trip reads (a test holds them equal). */
export function settlementWhere(scope: SettlementScope): Prisma.SettlementWhereInput {
  const own = { platformId: scope.platformId, environment: scope.environment };
  const counterparty = { counterpartyPlatformId: scope.platformId, counterpartyEnvironment: scope.environment };
  return {
    AND: [
      scope.acting ? own : { OR: [own, counterparty] },
      scope.wallets?.length ? { parties: { some: { platformId: scope.platformId, walletAddress: { in: scope.wallets.map((w) => w.toLowerCase()) } } } } : {},
      scope.settlementIds ? { id: { in: scope.settlementIds } } : {},
    ],
  };
}

/** Acting on a settlement: the caller's scope narrowed to what its platform opened. */
export const actingOn = <S extends SettlementScope>(scope: S): S => ({ ...scope, acting: true });
