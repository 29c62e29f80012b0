// The activities as workflows call them, each with its timeouts and retry policy
// stated once. Imported by workflow code only (activities by type, never by value).

import { patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import { signerTaskQueueOf } from './names.ts';

type Activities = ReturnType<typeof createActivities>;

// Database and RPC calls: quick, retried with backoff, but never forever.
const quick = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
} as const;
export const { recordTransition, readDeposits, readTrailHead } = proxyActivities<Activities>(quick);

// Recording a transition is one short database transaction that may run twice (a repeat finds
// its event and checks it is the same one): as a local activity it runs within the workflow
// task, without a trip through the task queue and the three history events of each.
export const { recordTransition: recordTransitionLocally } = proxyLocalActivities<Activities>(quick);

export const { screenParties, screenParty } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

// Transactions: each activity re-reads the contract and resumes its own pending
// transaction (kept in heartbeat details), so retrying never repeats an effect.
// The swap keeps trying for days: once the on-chain deadline passes it stops by itself.
// The refund is the last line of defence for deposited funds: it keeps trying for days too.
const transaction = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '7 days',
  // No attempt limit: scheduleToCloseTimeout bounds the retrying.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
} as const;
export const { awaitFinality } = proxyActivities<Activities>(transaction);

const SIGNER_QUEUE = 'escrow-transactions-on-the-signer-queue';

/**
 * The activities that sign as the escrow operator, on the signer's task queue (named after the
 * workflow's own), which one worker at a time serves: two workers never share the operator's
 * nonces. Called inside a workflow. Runs that began before the signer's queue existed schedule
 * them on their own queue, as they did.
 */
export function escrowTransactions() {
  const taskQueue = patched(SIGNER_QUEUE) ? signerTaskQueueOf(workflowInfo().taskQueue) : undefined;
  const { registerEscrow } = proxyActivities<Activities>({ ...quick, taskQueue });
  const { executeSwap, refundEscrow } = proxyActivities<Activities>({ ...transaction, taskQueue });
  return { registerEscrow, executeSwap, refundEscrow };
}
