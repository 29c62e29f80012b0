// `npm start`: the whole local stack in one command. Ctrl-C stops everything; the
// next start reuses the data folder, so settlements, the chain and clients survive.

import { join } from 'node:path';
import { DEV_DATA_DIR, manifestPath } from './manifest.ts';
import type { ManagedProcess } from './process.ts';
import { serviceProcess } from './services.ts';
import { startInfrastructure } from './stack.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const infra = await startInfrastructure({
  dataDir: DEV_DATA_DIR,
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
  say,
});

const services: ManagedProcess[] = [];
let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say('\nstopping...');
  for (const s of services.reverse()) await s.stop();
  await infra.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  say('starting worker, API and deposit listener...');
  for (const name of ['worker', 'listener', 'webhooks', 'api'] as const) {
    services.push(await serviceProcess(name, infra.manifest, infra.secrets, { logDir: join(DEV_DATA_DIR, 'logs'), echo: true }).start());
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
  Manifest        ${manifestPath(DEV_DATA_DIR)}
  Logs            ${join(DEV_DATA_DIR, 'logs')}
Try it: npm run demo      Stop: Ctrl-C
`);
