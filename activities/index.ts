// Activities are built from their dependencies; the worker creates those once and
// tests may pass their own.

import type { ScreeningIndex } from '../compliance/lists.ts';
import type { Thresholds } from '../domain/thresholds.ts';
import type { Chain } from '../chain/client.ts';
import type { Db } from '../db/client.ts';
import { complianceActivities } from './compliance.ts';
import { escrowActivities } from './escrow.ts';
import { recordActivities } from './records.ts';

export interface ActivityDeps {
  db: Db;
  chain: Chain;
  index: ScreeningIndex;
  /** Applied where a platform environment has not set its own. */
  thresholds: Thresholds;
  confirmations: number;
  /** How long one attempt waits for an escrow transaction to be mined before leaving it to a retry. */
  receiptWaitMs: number;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...recordActivities(deps),
    ...complianceActivities(deps),
    ...escrowActivities(deps),
  };
}
