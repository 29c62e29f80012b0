// Whether a person may decide a settlement's screening now: the workflow waits for a
// decision right after a flagged screening (its event is triggered by compliance:flagged),
// and the route takes either scope (api/routes/complianceDecisions.ts; under four eyes the
// API asks compliance:review, and says so).

import type { SettlementEvent } from './types.ts';

export const DECISION_SCOPES = ['settlements:write', 'compliance:review'];

export function awaitsDecision(events: SettlementEvent[]): boolean {
  return events.at(-1)?.triggered_by === 'compliance:flagged';
}

export const mayDecide = (scopes: string[]) => DECISION_SCOPES.some((s) => scopes.includes(s));
