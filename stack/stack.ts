// The whole local stack, shared by `npm start` and the test suite: Temporal dev
// server, PostgreSQL, anvil with the contracts deployed, migrations, demo data and
// a bootstrap API client and a first Web Office Administrator. A data folder from an earlier run is reused as it is.

import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createPublicClient, http } from 'viem';
import { anvil as anvilChain } from 'viem/chains';
import { createDb, type Db } from '../db/client.ts';
import { createApiClient } from '../db/clients.ts';
import { createOfficeUser } from '../db/officeUsers.ts';
import { ensureEnvironment } from '../db/platforms.ts';
import { SCOPES } from '../access/scopes.ts';
import { ensureBuiltInTemplates } from '../db/templates.ts';
import { startAnvil } from './anvil.ts';
import { deployDemoChain, DEMO_WALLETS, type DemoChain } from './demoChain.ts';
import { DEFAULT_TASK_QUEUE } from '../config/config.ts';
import { BUNDLED_LISTS_DIR, listsLayout } from '../config/paths.ts';
import { freePort } from './ports.ts';
import { readStack, temporalKindOf, writeManifest, type Manifest, type StackSecrets, type TemporalKind } from './manifest.ts';
import { applyMigrations, startPostgres } from './postgres.ts';
import type { ManagedProcess } from './process.ts';
import { ensureTemporalCli, startTemporal } from './temporal.ts';
import { ensureTemporalServer, prepareTemporalDatabases, startTemporalServer } from './temporalServer.ts';

export interface StackOptions {
  dataDir: string;
  ports: { api: number; temporal: number; temporalUi: number; postgres: number; anvil: number };
  /** Print infrastructure output to the terminal (the dev stack) or only to log files (tests). */
  echo: boolean;
  confirmations: number;
  /** anvil interval mining in seconds; undefined mines a block per transaction. */
  blockTime?: number;
  /** Keep the chain across restarts (dev) or start a fresh one (tests). */
  persistChain: boolean;
  /** The CLI's dev server (SQLite, one shard), or the Temporal server on the stack's PostgreSQL. */
  temporal: TemporalKind;
  /** The Web UI beside the Temporal server (the dev server has its own): people want it, tests do not. */
  temporalUi: boolean;
  say: (line: string) => void;
}

export interface Infrastructure {
  manifest: Manifest;
  secrets: StackSecrets;
  /** PostgreSQL, Temporal and anvil, for a supervisor to watch. */
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

export async function startInfrastructure(opts: StackOptions): Promise<Infrastructure> {
  const { dataDir, ports, say } = opts;
  const logDir = join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const previous = readStack(dataDir);
  const running: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of [...running].reverse()) await p.stop().catch(() => undefined);
  };

  try {
    const onServer = opts.temporal === 'server';
    const cli = onServer ? undefined : await ensureTemporalCli(say);
    const serverBinaries = onServer ? await ensureTemporalServer(say, opts.temporalUi) : undefined;
    say(`starting PostgreSQL, Temporal${onServer ? ' server' : ''} and anvil...`);
    // Each is registered for stopping as soon as it is up, so a failure of another leaves nothing running.
    const started = (p: Promise<ManagedProcess>) => p.then((process) => (running.push(process), process));
    let databaseUrl = '';
    const postgres = started(
      startPostgres({ dataDir: join(dataDir, 'postgres'), port: ports.postgres, logFile: join(logDir, 'postgres.log') }).then((pg) => {
        databaseUrl = pg.url;
        return pg.server;
      }),
    );
    const temporal = serverBinaries
      ? // Its databases live in the stack's PostgreSQL.
        postgres.then(async () => {
          const db = { host: '127.0.0.1', port: ports.postgres, user: 'postgres', password: new URL(databaseUrl).password };
          await prepareTemporalDatabases(serverBinaries, db, say);
          const processes = await startTemporalServer({ binaries: serverBinaries, db, port: ports.temporal, uiPort: ports.temporalUi, namespace: 'default', dir: join(dataDir, 'temporal-server'), logDir });
          running.push(...processes);
          return processes[0]!;
        })
      : started(startTemporal({ cli: cli!, dbFile: join(dataDir, 'temporal.db'), port: ports.temporal, uiPort: ports.temporalUi, logFile: join(logDir, 'temporal.log') }));
    const results = await Promise.allSettled([
      postgres,
      temporal,
      started(
        startAnvil({
          port: ports.anvil,
          blockTime: opts.blockTime,
          stateFile: opts.persistChain ? join(dataDir, 'anvil-state.json') : undefined,
          logFile: join(logDir, 'anvil.log'),
        }),
      ),
    ]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;

    say('applying database migrations...');
    await applyMigrations(databaseUrl);
    const db = createDb(databaseUrl);
    try {
      await ensureBuiltInTemplates(db);
      const rpcUrl = `http://127.0.0.1:${ports.anvil}`;
      const chain = await ensureContracts(rpcUrl, previous?.manifest, say);
      await registerInstruments(db, chain);
      const client = await ensureBootstrapClient(db, previous?.manifest, `http://localhost:${ports.api}`);
      const officeAdmin = await ensureOfficeAdmin(db, previous?.manifest, `http://localhost:${ports.api}`);
      // A stack made before a secret existed gets it now; existing ones are kept.
      const secrets: StackSecrets = {
        secrets_key: previous?.secrets.secrets_key ?? randomBytes(32).toString('base64'),
      };
      const manifest: Manifest = {
        api_url: `http://localhost:${ports.api}`,
        temporal: {
          kind: opts.temporal,
          address: `127.0.0.1:${ports.temporal}`,
          namespace: 'default',
          task_queue: DEFAULT_TASK_QUEUE,
          ui_url: `http://localhost:${ports.temporalUi}`,
        },
        database_url: databaseUrl,
        chain: { ...chain, rpc_url: rpcUrl, confirmations: opts.confirmations },
        wallets: DEMO_WALLETS,
        client,
        office_admin: officeAdmin,
        sanctions_ofac_dir: process.env.SANCTIONS_OFAC_DIR ?? listsLayout(BUNDLED_LISTS_DIR).ofacDir,
        sanctions_un_file: process.env.SANCTIONS_UN_FILE ?? listsLayout(BUNDLED_LISTS_DIR).unFile,
      };
      await writeManifest(dataDir, manifest, secrets);
      return { manifest, secrets, processes: [...running], stop };
    } finally {
      await db.$disconnect();
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Deploys the escrow and demo tokens unless the chain already has them from an earlier run. */
async function ensureContracts(rpcUrl: string, previous: Manifest | undefined, say: (line: string) => void): Promise<DemoChain> {
  if (previous) {
    const publicClient = createPublicClient({ chain: anvilChain, transport: http(rpcUrl), cacheTime: 0 });
    const code = await publicClient.getCode({ address: previous.chain.escrow_address });
    if (code && code !== '0x') return previous.chain;
    say('the chain has no escrow from the earlier run (its state was lost): deploying anew');
  }
  return deployDemoChain(rpcUrl);
}

async function registerInstruments(db: Db, chain: DemoChain): Promise<void> {
  for (const [symbol, token] of Object.entries(chain.tokens)) {
    const address = token.address.toLowerCase();
    await db.instrument.upsert({
      where: { chainId_address: { chainId: chain.chain_id, address } },
      create: { chainId: chain.chain_id, address, symbol, name: token.name, decimals: token.decimals },
      update: { symbol, name: token.name, decimals: token.decimals },
    });
  }
}

async function ensureBootstrapClient(db: Db, previous: Manifest | undefined, apiUrl: string): Promise<Manifest['client']> {
  const audience = 'https://api.lockstep.local';
  if (previous && (await db.apiClient.findUnique({ where: { clientId: previous.client.client_id } }))) {
    // A stack made before a scope existed gets it on its next start.
    await db.apiClient.update({ where: { clientId: previous.client.client_id }, data: { scopes: [...SCOPES] } });
    return previous.client;
  }
  await ensureEnvironment(db, 'demo-platform', 'sandbox');
  // The dev stack's one client is also its operator, so every route can be tried with it.
  const client = await createApiClient(db, { platform: 'demo-platform', environment: 'sandbox', name: 'bootstrap', scopes: [...SCOPES] });
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    platform_id: client.platform_id,
    environment: client.environment,
    audience,
    token_url: `${apiUrl}/oauth/token`,
  };
}

/** The dev platform's first Administrator; the one of an earlier run is kept while it exists. */
async function ensureOfficeAdmin(db: Db, previous: Manifest | undefined, apiUrl: string): Promise<Manifest['office_admin']> {
  const kept = previous?.office_admin;
  if (kept && (await db.officeUser.findFirst({ where: { email: kept.email, environment: kept.environment, platformEnvironment: { platform: { name: kept.platform } } } }))) return kept;
  const where = { platform: 'demo-platform', environment: 'sandbox' };
  const { user, password } = await createOfficeUser(db, { ...where, email: 'admin@demo-platform.example', name: 'Demo administrator', role: 'administrator' });
  return { email: user.email, password: password!, ...where, login_url: `${apiUrl}/office/` };
}

/**
 * A throwaway stack for tests and benchmarks: a fresh data folder, free ports, a chain that
 * mines a block per transaction and counts a deposit at depth 1 (fast, and still the real
 * confirmation path), nothing kept afterwards.
 */
export async function startFreshInfrastructure(dataDir: string, say: (line: string) => void, temporal: TemporalKind = temporalKindOf()): Promise<Infrastructure> {
  await rm(dataDir, { recursive: true, force: true });
  return startInfrastructure({
    dataDir,
    ports: { api: await freePort(), temporal: await freePort(), temporalUi: await freePort(), postgres: await freePort(), anvil: await freePort() },
    echo: false,
    confirmations: 1,
    persistChain: false,
    temporal,
    temporalUi: false,
    say,
  });
}
