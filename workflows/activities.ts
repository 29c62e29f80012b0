// The activities as workflows call them, each with its timeouts and retry policy
// stated once. Imported by workflow code only (activities by type, never by value).

import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';

type Activities = ReturnType<typeof createActivities>;

// Database and RPC calls: quick, retried with backoff, but never forever.
const quick = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
} as const;
export const { recordTransition, registerEscrow, readDeposits, readTrailHead } = proxyActivities<Activities>(quick);

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
export const { executeSwap, awaitFinality } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '7 days',
  // No attempt limit: scheduleToCloseTimeout bounds the retrying.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// The refund is the last line of defence for deposited funds: keep trying for days.
export const { refundEscrow } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '7 days',
  // No attempt limit: scheduleToCloseTimeout bounds the retrying.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
