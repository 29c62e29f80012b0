// The chaos run: a fresh stack under a supervisor, a real webhook receiver, settlements of
// every scenario driven through the API and the chain, and SIGKILLs at random moments to the
// worker, the listener, the API, the webhook dispatcher and PostgreSQL. When the kills stop
// and everything has come to rest, every settlement is checked against its scenario.

import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createPublicClient, http, type Hex } from 'viem';
import { ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { sendPreparedCalls } from '../../cli/depositor.ts';
import { createDb } from '../../db/client.ts';
import { statusPath } from '../../stack/manifest.ts';
import { serviceProcess, type ServiceName } from '../../stack/services.ts';
import { startFreshInfrastructure } from '../../stack/stack.ts';
import { Supervisor } from '../../stack/supervisor.ts';
import { Receiver } from '../../test/support/receiver.ts';
import type { SettlementView } from '../../test/support/settlements.ts';
import { WalletQueue } from '../walletQueue.ts';
import { checkConservation, checkOperatorTransactions, checkSettlement, nonceErrors, readBalances, type Driven } from './checks.ts';
import { ChaosMonkey } from './monkey.ts';
import { PatientApi } from './patientApi.ts';
import { Random } from './random.ts';
import { reorgAway } from './reorg.ts';
import { SCENARIOS, type Role, type ScenarioContext } from './scenarios.ts';

export interface ChaosOptions {
  settlements: number;
  minutes: number;
  seed: number;
  /** Mean seconds between two kills; 0 kills nothing. */
  killEverySeconds: number;
  /** Worker processes on the settlements' task queue (one of them signs at a time: worker/signer.ts). */
  workers?: number;
  dataDir: string;
  say: (line: string) => void;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'say' | 'dataDir'>;
  seconds: number;
  /** Settlements per scenario that were driven to their end and checked. */
  settlements: Record<string, number>;
  kills: Record<string, number>;
  restarts: Record<string, number>;
  deposits: number;
  /** Transactions the escrow operator sent, each checked to be the only one of its step. */
  operatorTransactions: number;
  apiRetries: number;
  webhooksReceived: number;
  webhookRepeats: number;
  /** A scenario that could not be driven (an error the driver met). */
  failures: string[];
  /** A check that did not hold. */
  violations: string[];
}

const TERMINAL = ['FINALIZED', 'ROLLED_BACK', 'TIMED_OUT'];
const KILLED: (ServiceName | 'postgres')[] = ['worker', 'listener', 'api', 'webhooks', 'postgres'];
/** How long a settlement may take to reach its end, kills included, before it counts as stuck. */
const SETTLE_MS = 10 * 60_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `done` answers true; errors (PostgreSQL down) count as not yet. */
async function until(what: string, done: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const random = new Random(o.seed);
  const started = Date.now();
  const say = (line: string) => o.say(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const logDir = join(o.dataDir, 'logs');
  const infra = await startFreshInfrastructure(o.dataDir, say);
  const { manifest, secrets } = infra;
  const supervisor = new Supervisor({
    say,
    statusFile: statusPath(o.dataDir),
    // Restarted soon, as an orchestrator would; kills are frequent on purpose, so no crash loop is declared.
    initialBackoffMs: 500,
    maxBackoffMs: 4000,
    stableAfterMs: 5000,
    crashLoop: { exits: 1_000_000, windowMs: 1000 },
  });
  const receiver = await new Receiver().start();
  const db = createDb(manifest.database_url);
  const connection = await Connection.connect({ address: manifest.temporal.address });
  const temporal = new Client({ connection, namespace: manifest.temporal.namespace });
  const chain = createPublicClient({ transport: http(manifest.chain.rpc_url), cacheTime: 0 });
  const report: ChaosReport = {
    options: { settlements: o.settlements, minutes: o.minutes, seed: o.seed, killEverySeconds: o.killEverySeconds, workers: o.workers ?? 1 },
    seconds: 0,
    settlements: Object.fromEntries(SCENARIOS.map((s) => [s.name, 0])),
    kills: {},
    restarts: {},
    deposits: 0,
    operatorTransactions: 0,
    apiRetries: 0,
    webhooksReceived: 0,
    webhookRepeats: 0,
    failures: [],
    violations: [],
  };

  try {
    const postgres = infra.processes.find((p) => p.spec.name === 'postgres')!;
    supervisor.watch(postgres);
    const workers = Array.from({ length: o.workers ?? 1 }, (_, i) => ({ name: 'worker' as const, instance: i ? `worker-${i + 1}` : 'worker' }));
    const others = (['listener', 'webhooks', 'api'] as const).map((name) => ({ name, instance: name }));
    const services = [...workers, ...others].map(({ name, instance }) =>
      serviceProcess(name, manifest, secrets, {
        logDir,
        instance,
        env: {
          LISTENER_POLL_MS: '200',
          MIN_TIMEOUT_LEAD_SECONDS: '5',
          // Retries for as long as a run lasts: a receiver that is always up must get every event.
          WEBHOOK_RETRY_SCHEDULE: Array.from({ length: 60 }, () => '2').join(','),
          WEBHOOK_POLL_MS: '100',
          WEBHOOK_TIMEOUT_MS: '2000',
          RATE_LIMIT_PER_MINUTE: '1000000',
        },
      }),
    );
    for (const p of services) supervisor.watch(await p.start());

    const client = new LockstepApi(manifest.api_url);
    await client.authenticate(manifest.client.client_id, manifest.client.client_secret, manifest.client.audience);
    const api = new PatientApi(client);
    await api.request('POST', '/v1/platforms/me/webhooks', { url: receiver.url, events: ['*'] });
    const balancesBefore = await readBalances(chain, manifest);

    const wallets = new WalletQueue();
    const keys: Record<Role, Hex> = { seller: manifest.wallets.seller.private_key, buyer: manifest.wallets.buyer.private_key };
    const get = (id: string) => api.request<SettlementView>('GET', `/v1/settlements/${id}`);
    /** The role's calls from instructions read now, sent in the wallet's turn; a failed send is a violation. */
    const sendDeposit = async (id: string, role: Role): Promise<Hex[]> => {
      const calls = (await get(id)).legs.filter((l) => l.from_role === role).flatMap((l) => l.deposit.instructions ?? []);
      if (!calls.length) throw new Error(`no deposit instructions for the ${role} of ${id}`);
      try {
        const hashes = await sendPreparedCalls(manifest.chain.rpc_url, keys[role], calls);
        report.deposits += 1;
        return hashes;
      } catch (err) {
        report.violations.push(`deposit from the API's instructions failed: ${role} of ${id}: ${(err as Error).message.split('\n')[0]}`);
        throw err;
      }
    };
    const acceptRefusal = (err: unknown) => {
      // A retried request whose first try went through is refused as already done; the final checks judge the outcome.
      if (!(err instanceof ApiRequestError && err.status === 409)) throw err;
    };
    const ctx: ScenarioContext = {
      manifest,
      create: (body) => api.request<SettlementView>('POST', '/v1/settlements', body),
      async waitForState(id, states, timeoutMs = SETTLE_MS) {
        let view: SettlementView | undefined;
        await until(`settlement ${id} reaching ${states.join('|')}`, async () => states.includes((view = await get(id)).state), timeoutMs);
        return view!;
      },
      waitUntilFlagged: (id) =>
        until(`settlement ${id} flagged`, async () => !!(await db.settlementEvent.findFirst({ where: { settlementId: id, triggeredBy: 'compliance:flagged' } })), SETTLE_MS),
      deposit: (id, role) => wallets.serially(role, () => sendDeposit(id, role)),
      depositAndReorg: (id, role) =>
        wallets.serially(role, async () => {
          const hashes = await sendDeposit(id, role);
          await reorgAway(manifest.chain.rpc_url, hashes.at(-1)!);
        }),
      async waitUntilPending(id, role) {
        const head = await chain.getBlockNumber();
        await until(`listener past block ${head}`, async () => ((await db.chainCursor.findFirst())?.blockNumber ?? 0n) >= head, SETTLE_MS);
        await until(`${role} of ${id} pending again`, async () => (await get(id)).legs.some((l) => l.from_role === role && l.deposit.instructions), SETTLE_MS);
      },
      decide: (id, decision) => api.request('POST', `/v1/settlements/${id}/compliance-decision`, { decision, reason: 'chaos run' }).then(() => undefined, acceptRefusal),
      cancel: (id) => api.request('POST', `/v1/admin/settlements/${id}/cancel`, { reason: 'chaos run' }).then(() => undefined, acceptRefusal),
      dawdle: () => sleep(random.between(0, 1500)),
      coin: () => random.next() < 0.5,
    };

    const firstBlock = await chain.getBlockNumber();
    const monkey = new ChaosMonkey(
      KILLED.flatMap((name) => [postgres, ...services].filter((p) => p.spec.name.replace(/-\d+$/, '') === name)),
      supervisor,
      random,
      o.killEverySeconds * 1000,
      say,
    );
    if (o.killEverySeconds > 0) monkey.start();
    // The window opens now, not at the start of the run: a slow start-up must not eat into it.
    const windowStarted = Date.now();
    const windowMs = o.minutes * 60_000;
    // Settlements start over the first three quarters of the window, so the last ones meet kills too.
    const spacingMs = (windowMs * 0.75) / o.settlements;
    const driven: Driven[] = [];
    const runs: Promise<void>[] = [];
    let round: typeof SCENARIOS = [];
    for (let i = 0; i < o.settlements; i++) {
      await sleep(Math.max(0, windowStarted + i * spacingMs - Date.now()));
      if (!round.length) round = random.shuffled(SCENARIOS);
      const scenario = round.pop()!;
      runs.push(
        (async () => {
          try {
            const id = await scenario.run(ctx);
            await ctx.waitForState(id, TERMINAL);
            driven.push({ id, scenario });
            report.settlements[scenario.name]! += 1;
          } catch (err) {
            report.failures.push(`${scenario.name} #${i}: ${(err as Error).message.split('\n')[0]}`);
          }
        })(),
      );
    }
    await sleep(Math.max(0, windowStarted + windowMs - Date.now()));
    await monkey.stop();
    report.kills = monkey.kills;
    say(`kills stopped (${Object.values(monkey.kills).reduce((a, b) => a + b, 0)}); waiting for every process to be up and every settlement to end`);
    await until('every process up', async () => supervisor.status().services.every((s) => s.state === 'up'), 120_000);
    await Promise.all(runs);
    await until('every webhook delivered', async () => (await db.webhookDelivery.count({ where: { status: 'pending' } })) === 0, 180_000, 1000).catch((err: Error) => {
      report.violations.push(err.message);
    });

    say(`checking ${driven.length} settlements`);
    const deps = { db, temporal, chain, manifest, balancesBefore, received: receiver.received };
    for (const d of driven) report.violations.push(...(await checkSettlement(deps, d)));
    report.violations.push(...(await checkConservation(deps, driven)));
    const operator = await checkOperatorTransactions(deps, firstBlock);
    report.operatorTransactions = operator.transactions;
    report.violations.push(...operator.violations);
    report.violations.push(...nonceErrors(logDir));
    report.restarts = Object.fromEntries(supervisor.status().services.map((s) => [s.name, s.restarts]));
    report.apiRetries = api.retries;
    report.webhooksReceived = receiver.received.length;
    report.webhookRepeats = receiver.received.length - new Set(receiver.received.map((r) => r.json.id)).size;
  } finally {
    report.seconds = Math.round((Date.now() - started) / 1000);
    await supervisor.stop();
    await receiver.stop();
    await connection.close();
    await db.$disconnect();
    await infra.stop();
  }
  return report;
}

/** The report as the run prints it. */
export function formatReport(r: ChaosReport): string {
  const total = Object.values(r.settlements).reduce((a, b) => a + b, 0);
  const kills = Object.values(r.kills).reduce((a, b) => a + b, 0);
  const lines = [
    `Lockstep chaos run: seed ${r.options.seed}, ${r.options.settlements} settlements over ${r.options.minutes} min, ${r.options.workers} worker${r.options.workers === 1 ? '' : 's'}, a kill every ~${r.options.killEverySeconds} s; ${r.seconds} s in all`,
    `  settlements checked   ${total} of ${r.options.settlements}`,
    ...Object.entries(r.settlements).map(([name, n]) => `    ${name.padEnd(28)} ${n}`),
    `  kills (SIGKILL)       ${kills}: ${Object.entries(r.kills).map(([n, k]) => `${n} ${k}`).join(', ')}`,
    `  restarts              ${Object.entries(r.restarts).map(([n, k]) => `${n} ${k}`).join(', ')}`,
    `  deposits sent         ${r.deposits} from the API's instructions, none reverted unless listed below`,
    `  operator transactions ${r.operatorTransactions}, none reverted and none a second one for its step unless listed below`,
    `  API retries           ${r.apiRetries} (requests that met a down API or database and were sent again)`,
    `  webhooks received     ${r.webhooksReceived}, of which ${r.webhookRepeats} repeats of an event already received (at least once, not exactly once)`,
    `  failures              ${r.failures.length}`,
    ...r.failures.map((f) => `    ${f}`),
    `  violations            ${r.violations.length}`,
    ...r.violations.map((v) => `    ${v}`),
    r.failures.length || r.violations.length ? 'FAILED' : 'PASSED: every settlement ended as its scenario expects, in the database and in Temporal; trails verify; no deposit counted twice or lost; no operator transaction sent twice; every token unit accounted for; every webhook delivered in order',
  ];
  return lines.join('\n');
}
