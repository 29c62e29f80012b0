// The settlement's progress in PostgreSQL: one event row per transition, chained to
// the previous one by content_hash, written idempotently so a retried activity never
// duplicates, reorders or rewrites the trail.

import { ApplicationFailure } from '@temporalio/common';
import { contentHash } from '../db/auditTrail.ts';
import { canonicalJson } from '../domain/canonicalJson.ts';
import type { Transition } from '../domain/transition.ts';
import type { Db } from '../db/client.ts';
import { transitionContext, writeTransition, type StoredTransition } from '../db/transitionWrites.ts';
import { transitionEvents } from '../webhooks/outbox.ts';
import { FailureType } from '../domain/errors.ts';

export function recordActivities({ db }: { db: Db }) {
  return {
    /** The last recorded event's sequence and state: where a forced rollback continues the trail. */
    async readTrailHead({ settlementId }: { settlementId: string }): Promise<{ sequence: number; state: string }> {
      const last = await db.settlementEvent.findFirstOrThrow({ where: { settlementId }, orderBy: { sequence: 'desc' } });
      return { sequence: last.sequence, state: last.toState };
    },

    async recordTransition(t: Transition): Promise<void> {
      const context = await transitionContext(db, t.settlementId, t.sequence);
      // Either is a bug or a removed row, not a passing state: retried under the activity's policy.
      if (!context) throw new Error(`settlement ${t.settlementId} not found`);
      if (t.sequence > 1 && !context.previous.found) throw new Error(`settlement ${t.settlementId} has no trail event at sequence ${t.sequence - 1}`);
      const reason = typeof t.payload.reason === 'string' ? t.payload.reason : null;
      // Stored as JSON: hash exactly what a reader will get back.
      const payload = JSON.parse(JSON.stringify(t.payload)) as unknown;
      const event = { settlementId: t.settlementId, sequence: t.sequence, fromState: t.fromState, toState: t.toState, triggeredBy: t.triggeredBy, payload, createdAt: new Date() };
      const stored = await writeTransition(
        db,
        { ...event, contentHash: contentHash(context.previous.contentHash, event) },
        reason,
        transitionEvents(context.settlement, { ...event, payload: t.payload }, context.endpoints),
      );
      // A retried activity finds its event already there, and its webhooks already queued. A
      // different transition at a written sequence is a divergence the trail must not hide.
      const same = (e: StoredTransition) => canonicalJson([e.fromState, e.toState, e.triggeredBy, e.payload]);
      if (stored && same(stored) !== same(event)) {
        throw ApplicationFailure.nonRetryable(
          `settlement ${t.settlementId} already has a different transition at sequence ${t.sequence} (${stored.fromState} → ${stored.toState} by ${stored.triggeredBy}); refusing ${t.fromState} → ${t.toState} by ${t.triggeredBy}`,
          FailureType.TransitionConflict,
        );
      }
    },
  };
}
