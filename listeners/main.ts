// The deposit listener process: one per chain.

import { Client, Connection } from '@temporalio/client';
import { chainFromConfig } from '../chain/client.ts';
import { loadConfig } from '../config/config.ts';
import { temporalConnectionOptions } from '../config/temporalConnection.ts';
import { createLogger } from '../config/logger.ts';
import { createDb } from '../db/client.ts';
import { DepositListener } from './depositListener.ts';

const config = loadConfig();
const log = createLogger('listener', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL);
const connection = await Connection.connect(temporalConnectionOptions(config));
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const chain = chainFromConfig(config);

const listener = new DepositListener({
  db,
  chain,
  temporal,
  log,
  confirmations: config.CONFIRMATIONS,
});
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
log.info('listening for escrow deposits', { chainId: config.CHAIN_ID, escrow: config.ESCROW_ADDRESS, confirmations: config.CONFIRMATIONS });
await listener.run(config.LISTENER_POLL_MS, stop.signal);
await connection.close();
await db.$disconnect();
