// Reading the activity log (api/activityLog.ts writes it).

import type { Models } from './client.ts';

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
  const [items, total] = await Promise.all([
    db.activityLog.findMany({ where, orderBy: { createdAt: 'desc' }, take: f.limit, skip: f.offset }),
    db.activityLog.count({ where }),
  ]);
  return { items, total };
}
