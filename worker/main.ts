// The settlement worker: runs settlement workflows and their activities.

import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { chainFromConfig } from '../chain/client';
import { readLists, screenerOf } from '../compliance/lists';
import { loadConfig, walletBlocklist } from '../config/config';
import { createLogger } from '../config/logger';
import { createDb } from '../db/client';

const config = loadConfig();
const log = createLogger('worker', config.LOG_LEVEL);

const db = createDb(config.DATABASE_URL);
const chain = chainFromConfig(config, true);
const lists = await readLists({ ofacDir: config.SANCTIONS_OFAC_DIR, unFile: config.SANCTIONS_UN_FILE });
const screener = screenerOf(lists, walletBlocklist(config), { review: config.SCREENING_REVIEW_THRESHOLD, fail: config.SCREENING_FAIL_THRESHOLD });
for (const { version } of lists) log.info('sanctions list loaded', { ...version });
log.info('screening index built', { spellings: screener.spellingCount, wallets: screener.walletCount });

const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  activities: createActivities({ db, chain, screener, confirmations: config.CONFIRMATIONS }),
});
log.info('worker started', { taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS });
try {
  await worker.run(); // returns after SIGINT/SIGTERM once in-flight tasks drain
} finally {
  await connection.close();
  await db.$disconnect();
}
