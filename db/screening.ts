// Screening settings kept per platform environment.

import type { Thresholds } from '../domain/thresholds.ts';
import type { Db, Models } from './client.ts';
import type { Tenant } from './tenant.ts';

/** The platform environment's own thresholds, else the deployment's defaults. */
export async function thresholdsFor(db: Pick<Models, 'screeningPolicy'>, scope: Tenant, defaults: Thresholds): Promise<Thresholds> {
  const policy = await db.screeningPolicy.findUnique({ where: { platformId_environment: scope } });
  return policy ? { review: policy.reviewThreshold, fail: policy.failThreshold } : defaults;
}

/** Asks every running worker to re-read its lists; each records its load under the request's id. */
export async function requestListRefresh(db: Db, requestedBy: string): Promise<string> {
  return (await db.sanctionsRefreshRequest.create({ data: { requestedBy } })).id;
}

export const loadsForRequest = (db: Db, requestId: string) => db.sanctionsListLoad.findMany({ where: { requestId }, orderBy: { createdAt: 'asc' } });

/** Each worker's latest load of the last day: the list versions it screens with, or its last error. */
export async function latestListLoads(db: Db) {
  return db.sanctionsListLoad.findMany({
    where: { createdAt: { gt: new Date(Date.now() - 24 * 3600_000) } },
    distinct: ['worker'],
    orderBy: [{ worker: 'asc' }, { createdAt: 'desc' }],
  });
}
