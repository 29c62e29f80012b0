// Work done as one tenant under row-level security (the row_level_security and tenant_wall
// migrations): each statement runs in a transaction that takes the role lockstep_tenant and
// names the platform environment, so PostgreSQL itself returns and accepts only that tenant's
// rows, whatever filter the code forgot. The API does all of a tenant's work this way.

import type { Db, Models } from './client.ts';

export interface Tenant {
  platformId: string;
  environment: string;
}

export type TenantTx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** `set_config('role', ...)` is SET LOCAL ROLE as a function, so one statement does it all. */
const actAs = (db: Db | TenantTx, tenant: Tenant) =>
  db.$queryRaw`SELECT set_config('app.platform_id', ${tenant.platformId}, true), set_config('app.environment', ${tenant.environment}, true), set_config('role', 'lockstep_tenant', true)`;

/** The models of `db`, each operation run as the tenant; statements that must share a transaction use `withTenant`. */
export function tenantDb(db: Db, tenant: Tenant): Models {
  return db.$extends({
    query: {
      $allModels: {
        async $allOperations({ args, query }) {
          const [, result] = await db.$transaction([actAs(db, tenant), query(args)]);
          return result;
        },
      },
    },
  }) as unknown as Models;
}

export function withTenant<T>(db: Db, tenant: Tenant, work: (tx: TenantTx) => Promise<T>, options?: { maxWait: number; timeout: number }): Promise<T> {
  return db.$transaction(async (tx) => {
    await actAs(tx, tenant);
    return work(tx);
  }, options);
}
