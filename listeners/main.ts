// The deposit listener process: one per chain.

import { Client, Connection } from '@temporalio/client';
import type { Hex } from 'viem';
import { createChain } from '../chain/client';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { createDb } from '../db/client';
import { DepositListener } from './depositListener';

const config = loadConfig();
const log = createLogger('listener', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL);
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const chain = createChain({ chainId: config.CHAIN_ID, rpcUrl: config.RPC_URL, escrowAddress: config.ESCROW_ADDRESS as Hex });

const listener = new DepositListener({
  db,
  chain,
  temporal,
  log,
  confirmations: config.CONFIRMATIONS,
  startBlock: BigInt(config.LISTENER_START_BLOCK),
});
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
log.info('listening for escrow deposits', { chainId: config.CHAIN_ID, escrow: config.ESCROW_ADDRESS, confirmations: config.CONFIRMATIONS });
await listener.run(config.LISTENER_POLL_MS, stop.signal);
await connection.close();
await db.$disconnect();
