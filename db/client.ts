// The one database client. The generated Prisma client runs its query compiler in
// WebAssembly over node-postgres, so no engine binary is needed at run time.

import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Db = PrismaClient;

/**
 * A client's models and nothing else: the owner's Db, or a tenant's (db/tenant.ts), whose raw
 * SQL and interactive transactions would escape row-level security and are left out. Code that
 * serves either takes this.
 */
export type Models = Omit<Db, '$transaction' | '$queryRaw' | '$executeRaw' | '$queryRawUnsafe' | '$executeRawUnsafe' | '$extends' | '$connect' | '$disconnect' | '$on'>;

/** Beside each client, the connections of the tenant's plain SQL (asTenant in db/tenant.ts), opened on first use. */
const readers = new WeakMap<Db, { url: string; pool?: pg.Pool }>();

export function createDb(databaseUrl: string): Db {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  readers.set(db, { url: databaseUrl });
  return db;
}

export function tenantPool(db: Db): pg.Pool {
  const reader = readers.get(db);
  if (!reader) throw new Error('this client was not made by createDb');
  if (!reader.pool) {
    // Idle, they do not keep a process alive that has disconnected its client and is done.
    reader.pool = new pg.Pool({ connectionString: reader.url, max: 5, allowExitOnIdle: true, keepAlive: true, connectionTimeoutMillis: 10_000, statement_timeout: 30_000 });
    // An idle connection that fails (a database restart) is dropped by the pool; unheard, the error would end the process.
    reader.pool.on('error', (err) => process.emitWarning(`tenant connection lost: ${err.message}`));
  }
  return reader.pool;
}

/** Prisma's code for a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === 'P2002';
}

/** Prisma's code for an update or delete that found no row. */
export function isRecordNotFound(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === 'P2025';
}
