// `npm start`: the whole local stack in one command, supervised: a process that dies is
// started again (stack/supervisor.ts). Ctrl-C stops everything; the next start reuses the
// data folder (LOCKSTEP_DATA_DIR, default data/dev), so settlements, the chain and clients survive.

import { join } from 'node:path';
import { DEV_DATA_DIR, manifestPath, statusPath, temporalKindOf } from './manifest.ts';
import { serviceProcess } from './services.ts';
import { startInfrastructure } from './stack.ts';
import { Supervisor } from './supervisor.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const dataDir = DEV_DATA_DIR;
const logDir = join(dataDir, 'logs');
const infra = await startInfrastructure({
  dataDir,
  ports: {
    api: env('API_PORT', 8000),
    temporal: env('TEMPORAL_PORT', 7233),
    temporalUi: env('TEMPORAL_UI_PORT', 8233),
    postgres: env('POSTGRES_PORT', 5433),
    anvil: env('ANVIL_PORT', 8545),
  },
  echo: false,
  confirmations: env('CONFIRMATIONS', 2),
  blockTime: env('ANVIL_BLOCK_TIME', 1),
  persistChain: true,
  temporal: temporalKindOf(process.argv.slice(2)),
  temporalUi: true,
  say,
});

const supervisor = new Supervisor({ say, statusFile: statusPath(dataDir) });
for (const p of infra.processes) supervisor.watch(p);
let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say('\nstopping...');
  await supervisor.stop();
  await infra.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  say('starting worker, API and deposit listener...');
  for (const name of ['worker', 'listener', 'webhooks', 'api'] as const) {
    // The API reports what the supervisor knows of the others on /readyz.
    const env = name === 'api' ? { STACK_STATUS_FILE: statusPath(dataDir) } : undefined;
    supervisor.watch(await serviceProcess(name, infra.manifest, infra.secrets, { logDir, echo: true, env }).start());
  }
} catch (err) {
  say(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(1);
}

const m = infra.manifest;
say(`
Lockstep is running.
  API             ${m.api_url}   (token: POST ${m.client.token_url})
  Temporal UI     ${m.temporal.ui_url}
  Temporal        ${m.temporal.address}  namespace ${m.temporal.namespace}
  Chain           ${m.chain.chain_id} at ${m.chain.rpc_url}
  Escrow          ${m.chain.escrow_address}
  Tokens          ${Object.entries(m.chain.tokens).map(([s, t]) => `${s} ${t.address}`).join('  ')}
  Demo wallets    seller ${m.wallets.seller.address}  buyer ${m.wallets.buyer.address}
  Client          id ${m.client.client_id}  secret ${m.client.client_secret}
  Web Office      ${m.office_admin.email}  password ${m.office_admin.password}  (Administrator of ${m.office_admin.platform}/${m.office_admin.environment}; log in at ${m.office_admin.login_url})
  Manifest        ${manifestPath(dataDir)}
  Logs            ${logDir}
Try it: npm run demo      Status: npx lockstep status      Stop: Ctrl-C
`);
