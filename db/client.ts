// The one database client. The generated Prisma client runs its query compiler in
// WebAssembly over node-postgres, so no engine binary is needed at run time.

import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Db = PrismaClient;

/**
 * A client's models and nothing else: the owner's Db, or a tenant's (db/tenant.ts), whose raw
 * SQL and interactive transactions would escape row-level security and are left out. Code that
 * serves either takes this.
 */
export type Models = Omit<Db, '$transaction' | '$queryRaw' | '$executeRaw' | '$queryRawUnsafe' | '$executeRawUnsafe' | '$extends' | '$connect' | '$disconnect' | '$on'>;

export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

/** Prisma's code for a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === 'P2002';
}
