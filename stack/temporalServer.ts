// The Temporal server itself, as a production deployment runs it, beside the CLI's dev server:
// PostgreSQL persistence and visibility (two databases in the stack's PostgreSQL, created and
// upgraded by Temporal's own schema tool), 16 history shards, all four services in one process,
// and the Web UI from the ui-server module the CLI embeds. No package ships them, so each is
// built once from the Go module registry at the version the CLI embeds, like the CLI itself.

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import pg from 'pg';
import { ensureGoTool, onPath } from './goTool.ts';
import { freeLowPort, freePort } from './ports.ts';
import { ManagedProcess } from './process.ts';
import { TEMPORAL_SEARCH_ATTRIBUTES } from './temporal.ts';

const run = promisify(execFile);

/** What the CLI v1.5.1 embeds (its go.mod). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_SERVER_VERSION = 'v2.42.1';
/** Production-shaped, and what the benchmark of several workers measures against; fixed once a cluster exists. */
export const HISTORY_SHARDS = 16;
/** A cluster's two databases; `prefix` names them apart where two clusters share one PostgreSQL (a test's). */
const databasesOf = (prefix = 'temporal') => ({ temporal: prefix, visibility: `${prefix}_visibility` });

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** Absent when not asked for. */
  ui?: string;
  /** schema/postgresql/v12 of the server's module: the versioned schemas the tool applies. */
  schemaDir: string;
}

/** The server, its schema tool and the UI server: TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER and TEMPORAL_SCHEMA_DIR, else built. */
export async function ensureTemporalServer(say: (line: string) => void, withUi = true): Promise<TemporalServerBinaries> {
  const server = await ensureGoTool({ name: 'server', pkg: 'go.temporal.io/server/cmd/server', version: TEMPORAL_SERVER_VERSION, override: 'TEMPORAL_SERVER', folder: 'temporal-server' }, say);
  const sqlTool = await ensureGoTool({ name: 'sql', pkg: 'go.temporal.io/server/cmd/tools/sql', version: TEMPORAL_SERVER_VERSION, override: 'TEMPORAL_SQL_TOOL', folder: 'temporal-sql-tool' }, say);
  const ui = withUi
    ? await ensureGoTool({ name: 'server', pkg: 'github.com/temporalio/ui-server/v2/cmd/server', version: TEMPORAL_UI_SERVER_VERSION, override: 'TEMPORAL_UI_SERVER', folder: 'temporal-ui-server' }, say)
    : undefined;
  return { server, sqlTool, ui, schemaDir: process.env.TEMPORAL_SCHEMA_DIR ?? (await moduleSchemaDir()) };
}

/** The server module's own schemas, from the Go module cache the build filled (downloaded if missing). */
async function moduleSchemaDir(): Promise<string> {
  const go = await onPath('go');
  if (!go) throw new Error('no Go toolchain to find the Temporal server schemas: set TEMPORAL_SCHEMA_DIR to its schema/postgresql/v12 folder');
  const { stdout } = await run(go, ['mod', 'download', '-json', `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`], { env: { ...process.env, GOFLAGS: '-mod=mod' }, maxBuffer: 16 * 1024 * 1024 });
  return join((JSON.parse(stdout) as { Dir: string }).Dir, 'schema', 'postgresql', 'v12');
}

export interface PostgresAccess {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * Temporal's two databases, created when missing and brought to the schema version of this
 * server by its own tool (`update-schema` applies only what is pending), so an upgrade of the
 * server upgrades them the same way.
 */
export async function prepareTemporalDatabases(binaries: TemporalServerBinaries, db: PostgresAccess, say: (line: string) => void, prefix?: string): Promise<void> {
  const tool = (database: string, ...args: string[]) =>
    run(binaries.sqlTool, ['--plugin', 'postgres12', '--ep', db.host, '--port', String(db.port), '--user', db.user, '--password', db.password, '--db', database, ...args]);
  const admin = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'postgres' });
  await admin.connect();
  try {
    for (const [schema, database] of Object.entries(databasesOf(prefix))) {
      const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount;
      if (!exists) {
        say(`creating Temporal's ${database} database...`);
        await tool(database, 'create-database');
      }
      const versioned = await hasVersionTable(db, database);
      if (!versioned) await tool(database, 'setup-schema', '--version', '0.0');
      await tool(database, 'update-schema', '--schema-dir', join(binaries.schemaDir, schema, 'versioned'));
    }
  } finally {
    await admin.end();
  }
}

async function hasVersionTable(db: PostgresAccess, database: string): Promise<boolean> {
  const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database });
  await client.connect();
  try {
    return !!(await client.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'`)).rowCount;
  } finally {
    await client.end();
  }
}

export interface TemporalServerSettings {
  binaries: TemporalServerBinaries;
  db: PostgresAccess;
  /** The frontend's gRPC port, where clients and workers connect. */
  port: number;
  uiPort: number;
  namespace: string;
  /** Where the server's and the UI's config files are written. */
  dir: string;
  logDir: string;
  /** Another pair of databases than the stack's own (prepareTemporalDatabases with the same prefix). */
  databasePrefix?: string;
  /** TLS on the frontend with this certificate (PEM files); clients then need the CA that signed it. */
  tls?: { certFile: string; keyFile: string; caFile: string; serverName: string };
}

/** The server and its Web UI, each a process for the supervisor; resolves once the namespace and its search attributes exist. */
export async function startTemporalServer(s: TemporalServerSettings): Promise<ManagedProcess[]> {
  const serverRoot = join(s.dir, 'server');
  const uiRoot = join(s.dir, 'ui');
  mkdirSync(join(serverRoot, 'config', 'dynamicconfig'), { recursive: true });
  mkdirSync(join(uiRoot, 'config'), { recursive: true });
  writeFileSync(join(serverRoot, 'config', 'development.yaml'), await serverConfig(s, join(serverRoot, 'config', 'dynamicconfig', 'development.yaml')));
  writeFileSync(join(serverRoot, 'config', 'dynamicconfig', 'development.yaml'), DYNAMIC_CONFIG);
  writeFileSync(join(uiRoot, 'config', 'base.yaml'), `temporalGrpcAddress: 127.0.0.1:${s.port}\nport: ${s.uiPort}\nenableUi: true\ndefaultNamespace: ${s.namespace}\n`);
  writeFileSync(join(uiRoot, 'config', 'development.yaml'), 'publicPath:\n');

  const connection: ConnectionOptions = {
    address: `127.0.0.1:${s.port}`,
    ...(s.tls ? { tls: { serverRootCACertificate: readFileSync(s.tls.caFile), serverNameOverride: s.tls.serverName } } : {}),
  };
  const server = await new ManagedProcess({
    name: 'temporal',
    command: s.binaries.server,
    args: ['--root', serverRoot, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
    logFile: join(s.logDir, 'temporal.log'),
    readyTimeoutMs: 120_000,
    ready: () => namespaceReady(connection, s.namespace),
  }).start();
  if (!s.binaries.ui) return [server];
  const ui = await new ManagedProcess({
    name: 'temporal-ui',
    command: s.binaries.ui,
    args: ['--root', uiRoot, '--config', 'config', '--env', 'development', 'start'],
    logFile: join(s.logDir, 'temporal-ui.log'),
    readyTimeoutMs: 60_000,
    ready: async () => (await fetch(`http://127.0.0.1:${s.uiPort}/`, { signal: AbortSignal.timeout(2000) })).ok,
  }).start();
  return [server, ui];
}

/**
 * Ready once the namespace exists with Lockstep's search attributes: a new cluster has neither
 * (the dev server makes both itself), so this registers them, and a restart finds them there.
 */
async function namespaceReady(options: ConnectionOptions, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ ...options, connectTimeout: 1000 });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') }).catch(ignore(ALREADY_EXISTS));
    await connection.workflowService.describeNamespace({ namespace });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = TEMPORAL_SEARCH_ATTRIBUTES.filter((name) => !customAttributes?.[name]);
    if (missing.length) {
      // 2: KEYWORD in temporal.api.enums.v1.IndexedValueType.
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, 2])) }).catch(ignore(ALREADY_EXISTS));
      return false;
    }
    return true;
  } finally {
    await connection.close();
  }
}

const ALREADY_EXISTS = 6;
const ignore = (code: number) => (err: unknown) => {
  if ((err as { code?: number }).code !== code) throw err;
};

/**
 * Production's defaults but for what a local cluster needs to be usable at once: a namespace and
 * search attributes registered at start are seen within a second, not ten.
 */
const DYNAMIC_CONFIG = `# Written by stack/temporalServer.ts.
frontend.enableUpdateWorkflowExecution:
  - value: true
system.namespaceCacheRefreshInterval:
  - value: 1s
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
`;

async function serverConfig(s: TemporalServerSettings, dynamicConfigFile: string): Promise<string> {
  const store = (database: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "${s.db.host}:${s.db.port}"
        connectProtocol: "tcp"
        user: "${s.db.user}"
        password: "${s.db.password}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  // Every service listens on ports of its own; only the frontend's is fixed, the others are free ones.
  const service = async (name: string, grpcPort: number, extra = '') => `
  ${name}:
    rpc:
      grpcPort: ${grpcPort}
      membershipPort: ${await freeLowPort()}
      bindOnLocalHost: true${extra}`;
  const httpPort = await freePort();
  const databases = databasesOf(s.databasePrefix);
  // The frontend's certificate, and what the server's own clients of it (its worker service) trust.
  const tls = s.tls
    ? `
  tls:
    frontend:
      server:
        certFile: "${s.tls.certFile}"
        keyFile: "${s.tls.keyFile}"
        requireClientAuth: false
      client:
        serverName: "${s.tls.serverName}"
        rootCaFiles: ["${s.tls.caFile}"]`
    : '';
  return `# Written by stack/temporalServer.ts at each start.
log:
  stdout: true
  level: warn

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${HISTORY_SHARDS}
  datastores:
    postgres-default:${store(databases.temporal, 20)}
    postgres-visibility:${store(databases.visibility, 10)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"${tls}

services:${await service('frontend', s.port, `\n      httpPort: ${httpPort}`)}${await service('history', await freePort())}${await service('matching', await freePort())}${await service('worker', await freePort())}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${s.port}"
      httpAddress: "127.0.0.1:${httpPort}"

dcRedirectionPolicy:
  policy: "noop"

archival:
  history:
    state: "disabled"
  visibility:
    state: "disabled"

namespaceDefaults:
  archival:
    history:
      state: "disabled"
    visibility:
      state: "disabled"

dynamicConfigClient:
  filepath: "${dynamicConfigFile}"
  pollInterval: "10s"
`;
}
