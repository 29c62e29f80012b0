// Activities are built from their dependencies; the worker creates those once and
// tests may pass their own.

import type { ScreeningIndex } from '../compliance/lists';
import type { Thresholds } from '../compliance/thresholds';
import type { Chain } from '../chain/client';
import type { Db } from '../db/client';
import { complianceActivities } from './compliance';
import { escrowActivities } from './escrow';
import { recordActivities } from './records';

export interface ActivityDeps {
  db: Db;
  chain: Chain;
  index: ScreeningIndex;
  /** Applied where a platform environment has not set its own. */
  thresholds: Thresholds;
  confirmations: number;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...recordActivities(deps),
    ...complianceActivities(deps),
    ...escrowActivities(deps),
  };
}
