// Config for the Prisma 6.19.3 CLI (npm alias `prisma-migrate`), used only for
// `migrate deploy` and `migrate diff`. Prisma 7's CLI downloads a native schema
// engine on every migrate command, which this project's machines cannot fetch;
// 6.19.3 ships one in WebAssembly (engine: "js") driven through a driver adapter.
// Each patch below works around one observed defect of that combination.

import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg'; // the 7.x adapter: 6.19.3's fails on `name` columns (prisma#27403)
import pg from 'pg';
import { defineConfig } from 'prisma-migrate/config';

const root = path.resolve(import.meta.dirname, '..');
const url = process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5433/lockstep';

// 1) Prisma 7 forbids `url` in the datasource block and Prisma 6 requires it: hand 6.x a copy with it.
const derivedSchema = path.join(root, 'node_modules/.cache/prisma-migrate/schema.prisma');
const source = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
const patched = source.replace(/(datasource\s+\w+\s*\{)/, `$1\n  url = env("DATABASE_URL")`);
if (patched === source) throw new Error('prisma/schema.prisma has no datasource block');
mkdirSync(path.dirname(derivedSchema), { recursive: true });
writeFileSync(derivedSchema, patched);
process.env.DATABASE_URL ??= url;
// 2) Otherwise the 6.x CLI tries to download a query engine for the `prisma-client` generator.
process.env.PRISMA_CLIENT_ENGINE_TYPE ??= 'client';
process.env.CHECKPOINT_DISABLE ??= '1';

// 3) The wasm schema engine arms a 10 s timer it never clears, so the CLI idles 10 s after its work.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = realSetTimeout(fn, ms, ...args);
  if ((ms ?? 0) >= 5000) timer.unref();
  return timer;
}) as typeof setTimeout;

function poolConfig(u: string) {
  const p = new URL(u);
  return {
    host: p.hostname,
    port: Number(p.port || 5432),
    user: decodeURIComponent(p.username),
    password: decodeURIComponent(p.password),
    database: decodeURIComponent(p.pathname.slice(1)),
    allowExitOnIdle: true,
  };
}

// 6) The adapter runs a migration script by splitting it on every ";", even inside comments,
//    dollar-quoted bodies and strings; PostgreSQL runs a multi-statement script itself.
type ScriptRunner = { executeScript(script: string): Promise<void>; client: { query(sql: string): Promise<unknown> }; onError(err: unknown): never };
function wholeScripts<T>(adapter: T): T {
  const a = adapter as unknown as ScriptRunner;
  a.executeScript = async (script) => {
    await a.client.query(script).catch((err: unknown) => a.onError(err));
  };
  return adapter;
}

// 4) `migrate diff --from-migrations` replays into a shadow database; the 7.x adapter
//    ignores the shadow database name given a connection string and drops it before closing its pool.
class MigratePg extends PrismaPg {
  override async connect() {
    return wholeScripts(await super.connect());
  }

  override async connectToShadowDb() {
    const admin = await this.connect();
    const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    await admin.executeScript(`CREATE DATABASE "${name}"`);
    const shadow = wholeScripts(await new PrismaPg({ ...poolConfig(url), database: name }).connect());
    const release = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await release();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.dispose();
    };
    return shadow;
  }
}

// 5) Introspection selects pg_catalog columns of type "char" (OID 18), which the adapter rejects: read them as text.
const result = (pg as unknown as { Result: { prototype: { addFields: (this: unknown, fields: { dataTypeID: number }[]) => void } } }).Result.prototype;
const addFields = result.addFields;
result.addFields = function (fields) {
  for (const f of fields) if (f.dataTypeID === 18) f.dataTypeID = 25;
  return addFields.call(this, fields);
};

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: derivedSchema,
  migrations: { path: path.join(root, 'prisma/migrations') },
  adapter: async () => new MigratePg(poolConfig(url)),
});
