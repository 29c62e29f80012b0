// The configured database (DATABASE_URL, or the running dev stack's) for one piece of CLI work.

import { loadConfig } from '../config/config.ts';
import { createDb, type Db } from '../db/client.ts';
import { cliEnv } from '../stack/manifest.ts';

/** Disconnected afterwards, whether the work succeeded or not. */
export async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(loadConfig(cliEnv(), ['DATABASE_URL']).DATABASE_URL);
  try {
    return await work(db);
  } finally {
    await db.$disconnect();
  }
}
