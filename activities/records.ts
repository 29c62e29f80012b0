// The settlement's progress in PostgreSQL: one event row per transition, written
// idempotently so a retried activity never duplicates or reorders the trail.

import type { Db } from '../db/client';

export interface TransitionRecord {
  settlementId: string;
  sequence: number;
  fromState: string | null;
  toState: string;
  triggeredBy: string;
  payload: Record<string, unknown>;
}

export function recordActivities({ db }: { db: Db }) {
  return {
    async recordTransition(t: TransitionRecord): Promise<void> {
      const reason = typeof t.payload.reason === 'string' ? t.payload.reason : null;
      await db.$transaction([
        db.settlementEvent.createMany({
          data: [{ settlementId: t.settlementId, sequence: t.sequence, fromState: t.fromState, toState: t.toState, triggeredBy: t.triggeredBy, payload: JSON.parse(JSON.stringify(t.payload)) }],
          skipDuplicates: true,
        }),
        db.settlement.updateMany({
          where: { id: t.settlementId, stateSequence: { lt: t.sequence } },
          data: { state: t.toState, stateSequence: t.sequence, ...(reason ? { failureReason: reason } : {}) },
        }),
      ]);
    },
  };
}
