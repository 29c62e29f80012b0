// npm run bench: settlement speed and memory on the real stack (Temporal dev server,
// PostgreSQL, anvil with automine), started fresh in data/bench on free ports.
// Prints figures; asserts nothing. The dev server has one history shard and SQLite, so
// these are figures for comparing changes on one machine, not capacity claims.
//
//   npm run bench -- [--settlements 30] [--concurrency 5] [--load-seconds 10] [--burst 3000] [--idle-seconds 90] [--ceiling] [--dead-receiver] [--from-source]
//                    [--temporal dev|server] [--workers 1] [--kill-worker-halfway]
//
// --temporal server runs the stack on the Temporal server with PostgreSQL (stack/temporalServer.ts)
// instead of the CLI's dev server. --workers N runs N worker processes (one of them signs at a
// time: worker/signer.ts); --kill-worker-halfway kills the first with SIGKILL once half the
// settlements are created. With either, the run ends by checking the operator's transactions:
// none sent twice for one step, none reverted, and no worker logged a nonce error.
//
// --ceiling runs as many bare workflows of a settlement's shape (bench/ceiling/) on the same
// Temporal server, as many at a time, after the settlements: the ceiling they are a share of.
//
// After the settlements, the API under load (bench/apiLoad.ts): reads of one settlement, of an
// unknown one and of a page of 50 beside express's bare /healthz in the same process, for
// --load-seconds each, then a burst of --burst creates at 20 connections, and the time from each
// create's answer to its workflow's start (creates answer before the start: the outbox). The
// resident memory is read at its highest while the burst's settlements are brought to
// AWAITING_DEPOSITS, and again with all of them open there once the stack has been idle for
// --idle-seconds: V8 hands back the heap a burst grew only when allocation has been low a while.
//
// --from-source runs the services from TypeScript through tsx, as they ran before the
// compiled build: the reference for the resident memory of the compiled processes.
//
// --cpu-prof writes a V8 CPU profile of each service when it stops, to data/bench/profiles
// (open it in Chrome's DevTools or speedscope): where the time of the run went.
//
// --dead-receiver runs twice the settlements, alternating between the dev platform (no
// webhooks) and a second platform whose webhook receiver accepts connections and never
// answers, and prints both sets: webhook delivery must not slow a settlement down.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPublicClient, http, type Hex } from 'viem';
import { LockstepApi } from '../cli/apiClient.ts';
import { createApiClient } from '../db/clients.ts';
import { ensureEnvironment } from '../db/platforms.ts';
import { createDb, type Db } from '../db/client.ts';
import { DVP_STANDARD } from '../domain/template.ts';
import { sendPreparedCalls, type PreparedCall } from '../cli/depositor.ts';
import { guideInstruction } from '../cli/instruction.ts';
import { ROOT } from '../config/paths.ts';
import { serviceProcess } from '../stack/services.ts';
import { temporalKindOf } from '../stack/manifest.ts';
import { startFreshInfrastructure } from '../stack/stack.ts';
import { stopOnInterrupt } from '../stack/interrupt.ts';
import { runCeiling } from './ceiling/run.ts';
import { attack, ensureVegeta, formatLoad, formatPath, measurePath, VEGETA, type Target } from './apiLoad.ts';
import { StateFollower } from './stateFollower.ts';
import { WalletQueue } from './walletQueue.ts';
import { checkOperatorTransactions, nonceErrors } from './chaos/checks.ts';
import { cpuSnapshot, formatCpu } from './cpu.ts';

interface View {
  id: string;
  state: string;
  legs: { from_role: string; deposit: { instructions: PreparedCall[] | null } }[];
}

const { values } = parseArgs({
  options: {
    settlements: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '5' },
    'load-seconds': { type: 'string', default: '10' },
    burst: { type: 'string', default: '3000' },
    'idle-seconds': { type: 'string', default: '90' },
    'dead-receiver': { type: 'boolean', default: false },
    'from-source': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    ceiling: { type: 'boolean', default: false },
    temporal: { type: 'string', default: temporalKindOf() },
    workers: { type: 'string', default: '1' },
    'kill-worker-halfway': { type: 'boolean', default: false },
  },
});
const total = Number(values.settlements);
const concurrency = Number(values.concurrency);
const loadSeconds = Number(values['load-seconds']);
const burst = Number(values.burst);
const idleSeconds = Number(values['idle-seconds']);
if (!(idleSeconds >= 0)) throw new Error(`--idle-seconds must be a number of seconds, not "${values['idle-seconds']}"`);
const temporalKind = temporalKindOf(['--temporal', values.temporal]);
const workerCount = Number(values.workers);
if (!Number.isInteger(workerCount) || workerCount < 1) throw new Error(`--workers must be a whole number of at least 1, not "${values.workers}"`);
const killHalfway = values['kill-worker-halfway'];
/** The connections of the load phase, as in the figures the performance issue started from. */
const LOAD_CONNECTIONS = 20;

const say = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const row = (name: string, xs: number[]) =>
  say(`  ${name.padEnd(36)} p50 ${percentile(xs, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(xs, 99).toFixed(1).padStart(6)} ms   (n=${xs.length})`);
const rssMb = (pid: number | undefined) => {
  const match = pid ? /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8')) : null;
  return match ? Number(match[1]) / 1024 : NaN;
};

/** Reads `read` every second until `done` holds of its result or `timeoutMs` has passed, and returns the last result. */
async function pollDatabase<T>(read: (db: Db) => Promise<T>, done: (result: T) => boolean, timeoutMs: number): Promise<T> {
  const db = createDb(infra.manifest.database_url);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await read(db);
      if (done(result) || Date.now() > deadline) return result;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await db.$disconnect();
  }
}

/**
 * From each burst create's commit (its 201) to its workflow's start, by the starters: waits
 * until every one has started, or two minutes.
 */
async function startLag(since: Date): Promise<string> {
  const [lag] = await pollDatabase(
    (db) => db.$queryRaw<{ n: number; waiting: number; p50: number; p99: number; max: number }[]>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE workflow_started_at IS NULL)::int AS waiting,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM workflow_started_at - created_at)) * 1000 AS p50,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM workflow_started_at - created_at)) * 1000 AS p99,
        max(extract(epoch FROM workflow_started_at - created_at)) * 1000 AS max
      FROM settlements WHERE created_at >= ${since}`,
    ([row]) => row!.waiting === 0,
    120_000,
  );
  const waiting = lag!.waiting ? `, ${lag!.waiting} not started after two minutes` : '';
  return `  201 → workflow started                 p50 ${Number(lag!.p50).toFixed(0).padStart(6)} ms   p99 ${Number(lag!.p99).toFixed(0).padStart(6)} ms   max ${(Number(lag!.max) / 1000).toFixed(1)} s (n=${lag!.n}${waiting})`;
}

const wallets = new WalletQueue();
const memory = () => processes.map((p) => `${p.spec.name} ${p.running ? rssMb(p.pid).toFixed(0) : '(killed)'} MB`).join(', ');

/** Each service's highest resident memory from now until the returned function is called, read every 250 ms. */
function peakMemory(): () => string {
  const peaks = new Map<string, number>();
  const read = () => {
    for (const p of processes) {
      const mb = p.running ? rssMb(p.pid) : NaN; // NaN: gone between the check and the read
      if (!Number.isNaN(mb)) peaks.set(p.spec.name, Math.max(peaks.get(p.spec.name) ?? 0, mb));
    }
  };
  const timer = setInterval(read, 250);
  return () => {
    clearInterval(timer);
    read();
    return [...peaks].map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`).join(', ');
  };
}

/** The burst's template's states before AWAITING_DEPOSITS. */
const BEFORE_DEPOSITS = DVP_STANDARD.config.states.slice(0, DVP_STANDARD.config.states.indexOf('AWAITING_DEPOSITS'));

/** Waits until every settlement created since `since` has reached AWAITING_DEPOSITS (or ended), or ten minutes. */
async function untilAwaitingDeposits(since: Date): Promise<string> {
  const [{ before }] = await pollDatabase(
    (db) => db.$queryRaw<[{ before: number }]>`
      SELECT count(*)::int AS before FROM settlements WHERE created_at >= ${since} AND state = ANY(${BEFORE_DEPOSITS})`,
    ([row]) => row.before === 0,
    600_000,
  );
  return before ? `, but ${before} had not after ten minutes` : '';
}

const dataDir = join(ROOT, 'data', 'bench');
const vegeta = await ensureVegeta(say);
say('starting the stack...');
const infra = await startFreshInfrastructure(dataDir, say, temporalKind);
const { manifest, secrets } = infra;
const logDir = join(dataDir, 'logs');
const services = [
  ...Array.from({ length: workerCount }, (_, i) => ({ name: 'worker' as const, instance: i ? `worker-${i + 1}` : 'worker' })),
  ...(['listener', 'api', 'webhooks'] as const).map((name) => ({ name, instance: name })),
];
const processes = services.map(({ name, instance }) =>
  serviceProcess(name, manifest, secrets, {
    logDir,
    instance,
    env: {
      LISTENER_POLL_MS: '200',
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    fromSource: values['from-source'],
    nodeArgs: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(dataDir, 'profiles')}`, `--cpu-prof-name=${instance}.cpuprofile`] : [],
  }),
);
const chain = createPublicClient({ transport: http(manifest.chain.rpc_url), cacheTime: 0 });
let stopping: Promise<void> | undefined;
/** Once, whether the run ends or a signal stops it first. */
const stopStack = () =>
  (stopping ??= (async () => {
    for (const p of [...processes].reverse()) await p.stop();
    await infra.stop();
  })());
stopOnInterrupt(stopStack);
try {
  await Promise.all(processes.map((p) => p.start()));
  const api = new LockstepApi(manifest.api_url);
  const token = await api.authenticate(manifest.client.client_id, manifest.client.client_secret);
  const keys: Record<string, Hex> = { seller: manifest.wallets.seller.private_key, buyer: manifest.wallets.buyer.private_key };

  interface Stats {
    createMs: number[];
    toAwaitingMs: number[];
    depositsToFinalMs: number[];
    endToEndMs: number[];
  }
  const emptyStats = (): Stats => ({ createMs: [], toAwaitingMs: [], depositsToFinalMs: [], endToEndMs: [] });

  /** Settlement i is made by clients[i % n], so the clients' figures come from the same minutes. */
  async function runPhase(count: number, label: string, clients: LockstepApi[]) {
    const stats = clients.map(emptyStats);
    const followers = clients.map((c) => new StateFollower(c));

    async function oneSettlement(i: number): Promise<void> {
      const as = clients[i % clients.length]!;
      const follower = followers[i % clients.length]!;
      const s = stats[i % clients.length]!;
      const started = performance.now();
      const created = await as.request<View>('POST', '/v1/settlements', guideInstruction(manifest));
      s.createMs.push(performance.now() - started);
      if (killHalfway && i === Math.floor(count / 2) && processes[0]!.running) {
        say(`kill -9 ${processes[0]!.spec.name} (pid ${processes[0]!.pid}), halfway through the settlements`);
        process.kill(processes[0]!.pid!, 'SIGKILL');
      }
      const awaiting = await follower.until(created.id, ['AWAITING_DEPOSITS', 'ROLLED_BACK']);
      if (awaiting !== 'AWAITING_DEPOSITS') throw new Error(`settlement ${created.id} ended ${awaiting} before its deposits`);
      s.toAwaitingMs.push(performance.now() - started);
      const depositsStarted = performance.now();
      // Instructions reflect the allowance when read: read them just before sending, one wallet at a time.
      await Promise.all(
        created.legs.map((leg, l) =>
          wallets.serially(leg.from_role, async () => {
            const fresh = await as.request<View>('GET', `/v1/settlements/${created.id}`);
            await sendPreparedCalls(manifest.chain.rpc_url, keys[leg.from_role]!, fresh.legs[l]!.deposit.instructions!);
          }),
        ),
      );
      const done = await follower.until(created.id, ['FINALIZED', 'ROLLED_BACK']);
      if (done !== 'FINALIZED') throw new Error(`settlement ${created.id} ended ${done}`);
      s.depositsToFinalMs.push(performance.now() - depositsStarted);
      s.endToEndMs.push(performance.now() - started);
    }

    say(`running ${count} settlements, ${concurrency} at a time${label}...`);
    const runStarted = performance.now();
    let next = 0;
    try {
      await Promise.all(followers.map((f) => f.start()));
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) await oneSettlement(next++);
        }),
      );
    } finally {
      await Promise.all(followers.map((f) => f.stop()));
    }
    return { stats, runSeconds: (performance.now() - runStarted) / 1000 };
  }

  // A receiver that takes the connection and never answers: each delivery waits out its timeout.
  // Its endpoint belongs to a second platform whose settlements alternate with the first's.
  const silent = createServer(() => undefined);
  const clients = [api];
  if (values['dead-receiver']) {
    // The first settlements pay for JIT compilation and cold caches: kept out of the figures.
    await runPhase(concurrency * 2, ' to warm up', [api]);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const db = createDb(manifest.database_url);
    await ensureEnvironment(db, 'bench-dead-receiver', 'sandbox');
    const client = await createApiClient(db, { platform: 'bench-dead-receiver', environment: 'sandbox', name: 'bench', scopes: ['settlements:read', 'settlements:write', 'platform:webhooks:manage'] });
    await db.$disconnect();
    const withReceiver = new LockstepApi(manifest.api_url);
    await withReceiver.authenticate(client.client_id, client.client_secret);
    await withReceiver.request('POST', '/v1/platforms/me/webhooks', { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hooks` });
    clients.push(withReceiver);
  }
  const firstBlock = await chain.getBlockNumber();
  const everyProcess = () => [...infra.processes, ...processes].map((p) => ({ name: p.spec.name, pid: p.running ? p.pid : undefined }));
  const cpuBefore = cpuSnapshot(everyProcess());
  const run = await runPhase(values['dead-receiver'] ? total * 2 : total, values['dead-receiver'] ? ', alternating between a platform without webhooks and one with a dead receiver' : '', clients);
  if (silent.listening) {
    silent.closeAllConnections();
    silent.close();
  }
  const plain = run.stats[0]!;
  const dead = run.stats[1];

  const cpuDuringRun = formatCpu(cpuBefore, cpuSnapshot(everyProcess()), run.runSeconds);
  const memoryAfterRun = memory();
  // Several workers, or one killed: did any step's transaction go out twice, revert, or meet a nonce taken?
  const operator = workerCount > 1 || killHalfway ? await checkOperatorTransactions({ chain, manifest }, firstBlock) : undefined;
  const nonceTrouble = operator ? nonceErrors(logDir) : [];
  if (values.ceiling) say(`the ceiling: ${total} bare workflows of a settlement's shape, ${concurrency} at a time...`);
  const cpuBeforeCeiling = cpuSnapshot(everyProcess());
  const ceiling = values.ceiling ? await runCeiling(manifest.temporal, total, concurrency) : undefined;
  const cpuDuringCeiling = ceiling ? formatCpu(cpuBeforeCeiling, cpuSnapshot(everyProcess()), ceiling.seconds) : undefined;

  say(`API under load: ${LOAD_CONNECTIONS} connections, ${loadSeconds} s a path closed-loop, then as long open-loop at 75% of that rate...`);
  const list = await api.request<{ items: { id: string }[] }>('GET', '/v1/settlements?limit=1');
  const authorized = { authorization: `Bearer ${token}` };
  const get = (path: string): Target => ({ method: 'GET', url: `${manifest.api_url}${path}`, header: authorized });
  const healthz = await measurePath(vegeta, 'GET /healthz (bare express)', get('/healthz'), LOAD_CONNECTIONS, loadSeconds);
  const reads = [
    await measurePath(vegeta, 'GET /v1/settlements/{id}', get(`/v1/settlements/${list.items[0]!.id}`), LOAD_CONNECTIONS, loadSeconds),
    await measurePath(vegeta, 'GET /v1/settlements/{unknown id}', get(`/v1/settlements/${randomUUID()}`), LOAD_CONNECTIONS, loadSeconds),
    await measurePath(vegeta, 'GET /v1/settlements?limit=50', get('/v1/settlements?limit=50'), LOAD_CONNECTIONS, loadSeconds),
  ];
  say(`a burst of ${burst} creates at ${LOAD_CONNECTIONS} connections...`);
  const burstStarted = new Date();
  const burstPeak = peakMemory();
  const creates = await attack(vegeta, {
    targets: () => ({ method: 'POST', url: `${manifest.api_url}/v1/settlements`, header: authorized, body: guideInstruction(manifest) }),
    connections: LOAD_CONNECTIONS,
    rate: 0,
    seconds: 0,
    count: burst,
  });

  say(
    `\nLockstep settlement benchmark (${new Date().toISOString()}, Node ${process.version}, automine, 1 confirmation, services ${values['from-source'] ? 'from TypeScript via tsx' : 'compiled (dist/)'}, Temporal ${temporalKind === 'server' ? 'server (PostgreSQL, 16 shards)' : 'dev server (SQLite)'}, ${workerCount} worker${workerCount === 1 ? '' : 's'}${killHalfway ? ', the first killed halfway' : ''})`,
  );
  row('POST /v1/settlements', plain.createMs);
  row('create → AWAITING_DEPOSITS', plain.toAwaitingMs);
  row('deposits sent → FINALIZED', plain.depositsToFinalMs);
  row('create → FINALIZED (incl. deposits)', plain.endToEndMs);
  const settled = run.stats.reduce((n, st) => n + st.endToEndMs.length, 0);
  const throughput = settled / run.runSeconds;
  say(`  throughput                            ${throughput.toFixed(2)} settlements/s (${settled} in ${run.runSeconds.toFixed(1)} s)`);
  if (ceiling) {
    const bare = ceiling.latenciesMs.length / ceiling.seconds;
    row('bare workflow: start → completed', ceiling.latenciesMs);
    say(`  bare workflow throughput              ${bare.toFixed(2)} workflows/s (${ceiling.latenciesMs.length} in ${ceiling.seconds.toFixed(1)} s); settlements at ${((throughput / bare) * 100).toFixed(0)}% of it`);
    say(`  CPU during the bare workflows         ${cpuDuringCeiling}`);
  }
  if (dead) {
    say('  the same minutes, a platform whose webhook receiver never answers:');
    row('POST /v1/settlements', dead.createMs);
    row('create → AWAITING_DEPOSITS', dead.toAwaitingMs);
    row('deposits sent → FINALIZED', dead.depositsToFinalMs);
    row('create → FINALIZED (incl. deposits)', dead.endToEndMs);
  }
  if (operator) {
    say(`  operator transactions                 ${operator.transactions}, ${operator.violations.length} sent twice or reverted, ${nonceTrouble.length} nonce errors logged`);
    for (const line of [...operator.violations, ...nonceTrouble]) say(`    ${line}`);
  }
  say(`  CPU during the run                    ${cpuDuringRun}`);
  say(`  resident memory after the run         ${memoryAfterRun}`);
  say(`\nThe API under load (vegeta ${VEGETA.version}; closed loop at ${LOAD_CONNECTIONS} connections | open loop at 75% of its rate, latencies with the wait to be sent)`);
  say(formatPath(healthz));
  for (const r of reads) say(formatPath(r, healthz));
  say(formatLoad(`POST /v1/settlements, ${burst} at once`, creates));
  say(await startLag(burstStarted));
  const notAwaiting = await untilAwaitingDeposits(burstStarted);
  say(`  resident memory, highest in the burst  ${burstPeak()} (until all ${burst} awaited deposits${notAwaiting})`);
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  say(`  resident memory, the burst open        ${memory()} (after ${idleSeconds} s idle)`);
} finally {
  await stopStack();
}
