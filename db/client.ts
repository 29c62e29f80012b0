// The one database client. The generated Prisma client runs its query compiler in
// WebAssembly over node-postgres, so no engine binary is needed at run time.

import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

/** Prisma's code for a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === 'P2002';
}
