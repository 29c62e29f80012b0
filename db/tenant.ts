// Work done as one tenant under row-level security (the row_level_security migration): in a
// transaction that takes the role lockstep_tenant and names the platform environment, so
// PostgreSQL itself returns only that tenant's rows, whatever filter the code forgot.

import type { Db } from './client';

export type TenantTx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export function withTenant<T>(db: Db, tenant: { platformId: string; environment: string }, work: (tx: TenantTx) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT set_config('app.platform_id', ${tenant.platformId}, true), set_config('app.environment', ${tenant.environment}, true)`;
    await tx.$executeRawUnsafe('SET LOCAL ROLE lockstep_tenant');
    return work(tx);
  });
}
