// The settlement worker: runs settlement workflows and their activities.

import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { signerTaskQueueOf } from '../workflows/names.ts';
import { chainFromConfig, requireOperator } from '../chain/client.ts';
import { loadLiveIndex } from '../compliance/listRefresh.ts';
import { loadConfig, screeningThresholds } from '../config/config.ts';
import { temporalConnectionOptions } from '../config/temporalConnection.ts';
import { createLogger } from '../config/logger.ts';
import { createDb } from '../db/client.ts';
import { leadSigning } from './signer.ts';
import { installSdkLogger } from './sdkLogger.ts';
import { workflowCode } from './workflowCode.ts';

const config = loadConfig();
const log = createLogger('worker', config.LOG_LEVEL);
installSdkLogger(log, config.LOG_LEVEL);

const db = createDb(config.DATABASE_URL);
const chain = chainFromConfig(config, true);
const { index, refresher } = await loadLiveIndex({ db, log }, config);
const thresholds = screeningThresholds(config);

const connection = await NativeConnection.connect(temporalConnectionOptions(config));
const activities = createActivities({ db, chain, index, thresholds, confirmations: config.CONFIRMATIONS, receiptWaitMs: config.TX_RECEIPT_WAIT_MS });
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  ...workflowCode(),
  // All of them, the transactions too: settlements that began before the signer's queue schedule them here.
  activities,
});
const signerQueue = signerTaskQueueOf(config.TEMPORAL_TASK_QUEUE);
const signer = leadSigning({
  databaseUrl: config.DATABASE_URL,
  lockName: `escrow-operator:${chain.chainId}:${requireOperator(chain).account.address.toLowerCase()}`,
  log,
  // Transactions may be on their way in this process: stopping it outright is the only way to be sure none is signed after another worker took over.
  onLost: (reason) => {
    log.error('the signer lost its lock: exiting, to be started again', { reason });
    process.exit(1);
  },
  serve: async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- activities never use `this`: Temporal's worker calls every one unbound
    const { registerEscrow, executeSwap, refundEscrow } = activities;
    const signing = await Worker.create({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: signerQueue, activities: { registerEscrow, executeSwap, refundEscrow } });
    return {
      run: () => signing.run(),
      // On SIGINT or SIGTERM the SDK's own handler has begun this worker's shutdown already: a second is refused.
      shutdown: () => {
        if (signing.getState() === 'RUNNING') signing.shutdown();
      },
    };
  },
});
// Before the SDK's own handler shuts the workers down: no new turn as the signer may begin.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void signer.stop());
log.info('worker started', { taskQueue: config.TEMPORAL_TASK_QUEUE, signerQueue, address: config.TEMPORAL_ADDRESS });
try {
  await worker.run(); // returns after SIGINT/SIGTERM once in-flight tasks drain
} finally {
  await signer.stop();
  refresher.stop();
  await connection.close();
  await db.$disconnect();
}
