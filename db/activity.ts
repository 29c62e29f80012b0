// Reading the activity log (api/activityLog.ts writes it).

import type { Models } from './client.ts';
import { page } from './page.ts';

export interface ActivityFilter {
  /** Undefined for an operator, who sees every platform's entries, and those of unidentified callers. */
  platformId?: string;
  environment?: string;
  clientId?: string;
  userId?: string;
  since?: Date;
  failures?: boolean;
  limit: number;
  offset: number;
}

export async function findActivity(db: Models, f: ActivityFilter) {
  const where = {
    ...(f.platformId ? { platformId: f.platformId, environment: f.environment } : {}),
    ...(f.clientId ? { clientId: f.clientId } : {}),
    ...(f.userId ? { userId: f.userId } : {}),
    ...(f.since ? { createdAt: { gte: f.since } } : {}),
    ...(f.failures ? { status: { gte: 400 } } : {}),
  };
  return page(f, (slice) => db.activityLog.findMany({ where, orderBy: { createdAt: 'desc' }, ...slice }), () => db.activityLog.count({ where }));
}
