// Work done as one tenant under row-level security (the row_level_security and tenant_wall
// migrations): each statement runs in a transaction that takes the role lockstep_tenant and
// names the platform environment, so PostgreSQL itself returns and accepts only that tenant's
// rows, whatever filter the code forgot. The API does all of a tenant's work this way:
// through Prisma (tenantDb, withTenant), or, on its hottest paths, in plain SQL (asTenant).

import type pg from 'pg';
import { tenantPool, type Db, type Models } from './client.ts';

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

/** Connections that opened as the tenant role; a pool's connection is made ready once. */
const readied = new WeakSet<pg.PoolClient>();
/** The tenant each connection's session settings name. */
const naming = new WeakMap<pg.PoolClient, string>();

/** A connection that is the tenant role for good (it cannot act as the owner again); asTenant names the tenant. */
export async function tenantConnection(db: Db): Promise<pg.PoolClient> {
  const client = await tenantPool(db).connect();
  if (!readied.has(client)) {
    try {
      // A generic plan for good: PostgreSQL would otherwise plan each call anew, the custom plan
      // looking cheaper under row-level security; measured, planning cost more than running.
      await client.query('SET ROLE lockstep_tenant; SET plan_cache_mode = force_generic_plan');
    } catch (err) {
      client.release(true);
      throw err;
    }
    readied.add(client);
  }
  return client;
}

/**
 * `work` in plain SQL as the tenant, on a connection of its own: through Prisma, each statement
 * costs the API about ten times its CPU. Statements should be prepared (named), so their plans
 * are kept. A connection whose work failed is not trusted again.
 */
export async function asTenant<T>(db: Db, tenant: Tenant, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await tenantConnection(db);
  let failed = true;
  try {
    // Session settings, not local ones: they outlive a transaction, so a connection that names
    // this tenant already (asTenant alone sets them) is not told again: a round trip saved.
    const named = `${tenant.platformId}/${tenant.environment}`;
    if (naming.get(client) !== named) {
      naming.delete(client);
      await client.query({ name: 'lockstep-tenant', text: `SELECT set_config('app.platform_id', $1, false), set_config('app.environment', $2, false)`, values: [tenant.platformId, tenant.environment] });
      naming.set(client, named);
    }
    const result = await work(client);
    failed = false;
    return result;
  } finally {
    client.release(failed);
  }
}
