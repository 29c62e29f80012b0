// Config for the Prisma 7 CLI, used only for `prisma generate` (npm run db:generate).
// Migrations run through Prisma 6.19.3's WebAssembly engine: see prisma/migrate.config.ts.
import { defineConfig } from 'prisma/config';

// generate never runs the schema engine, but the CLI insists on finding one; any executable will do.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5433/lockstep' },
});
