// The settlement's progress in PostgreSQL: one event row per transition, chained to
// the previous one by content_hash, written idempotently so a retried activity never
// duplicates, reorders or rewrites the trail.

import { ApplicationFailure } from '@temporalio/common';
import { contentHash } from '../db/auditTrail.ts';
import { canonicalJson } from '../domain/canonicalJson.ts';
import type { Transition } from '../domain/transition.ts';
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { queueTransitionEvents } from '../webhooks/outbox.ts';
import { FailureType } from '../domain/errors.ts';


export function recordActivities({ db }: { db: Db }) {
  return {
    /** The last recorded event's sequence and state: where a forced rollback continues the trail. */
    async readTrailHead({ settlementId }: { settlementId: string }): Promise<{ sequence: number; state: string }> {
      const last = await db.settlementEvent.findFirstOrThrow({ where: { settlementId }, orderBy: { sequence: 'desc' } });
      return { sequence: last.sequence, state: last.toState };
    },

    async recordTransition(t: Transition): Promise<void> {
      const reason = typeof t.payload.reason === 'string' ? t.payload.reason : null;
      // Stored as JSON: hash exactly what a reader will get back.
      const payload = JSON.parse(JSON.stringify(t.payload)) as Prisma.InputJsonObject;
      await db.$transaction(async (tx) => {
        const previous = t.sequence > 1
          ? await tx.settlementEvent.findUniqueOrThrow({ where: { settlementId_sequence: { settlementId: t.settlementId, sequence: t.sequence - 1 } } })
          : null;
        const event = { settlementId: t.settlementId, sequence: t.sequence, fromState: t.fromState, toState: t.toState, triggeredBy: t.triggeredBy, payload, createdAt: new Date() };
        const { count } = await tx.settlementEvent.createMany({ data: [{ ...event, contentHash: contentHash(previous?.contentHash ?? null, event) }], skipDuplicates: true });
        // A retried activity finds its event already there, and its webhooks already queued. A
        // different transition at a written sequence is a divergence the trail must not hide.
        if (!count) {
          const stored = await tx.settlementEvent.findUniqueOrThrow({ where: { settlementId_sequence: { settlementId: t.settlementId, sequence: t.sequence } } });
          const same = (e: Pick<typeof event, 'fromState' | 'toState' | 'triggeredBy' | 'payload'>) => canonicalJson([e.fromState, e.toState, e.triggeredBy, e.payload]);
          if (same(stored as typeof event) !== same(event)) {
            throw ApplicationFailure.nonRetryable(
              `settlement ${t.settlementId} already has a different transition at sequence ${t.sequence} (${stored.fromState} → ${stored.toState} by ${stored.triggeredBy}); refusing ${t.fromState} → ${t.toState} by ${t.triggeredBy}`,
              FailureType.TransitionConflict,
            );
          }
        }
        if (count) {
          const settlement = await tx.settlement.findUniqueOrThrow({
            where: { id: t.settlementId },
            select: {
              id: true,
              platformId: true,
              environment: true,
              counterpartyPlatformId: true,
              counterpartyEnvironment: true,
              settlementType: true,
            },
          });
          await queueTransitionEvents(tx, settlement, event);
        }
        await tx.settlement.updateMany({
          where: { id: t.settlementId, stateSequence: { lt: t.sequence } },
          data: { state: t.toState, stateSequence: t.sequence, ...(reason ? { failureReason: reason } : {}) },
        });
      });
    },
  };
}
