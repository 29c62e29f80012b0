// npm run db:deploy: apply pending migrations to DATABASE_URL (default: the dev stack's database).
import { cliEnv } from './manifest.ts';
import { applyMigrations } from './postgres.ts';

const url = cliEnv().DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL or start the dev stack first');
await applyMigrations(url);
process.stdout.write('migrations applied\n');
