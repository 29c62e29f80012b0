// The settlement's audit trail as a hash chain: each event's content_hash covers its
// own content and the previous event's hash, so editing, removing or reordering any
// stored event breaks the chain at exactly that event.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonicalJson.ts';
import type { Transition } from '../domain/transition.ts';

/** A transition as stored: its payload as the database gives it back, and when it was written. */
export type TrailEvent = Omit<Transition, 'payload'> & { payload: unknown; createdAt: Date };

/** An event's content as the API shows it; the hash covers exactly this. */
export function eventContent(e: TrailEvent) {
  return {
    settlement_id: e.settlementId,
    sequence: e.sequence,
    from_state: e.fromState,
    to_state: e.toState,
    triggered_by: e.triggeredBy,
    payload: e.payload,
    created_at: e.createdAt.toISOString(),
  };
}

export function contentHash(previousHash: string | null, e: TrailEvent): string {
  return createHash('sha256').update(`${previousHash ?? ''}\n${canonicalJson(eventContent(e))}`).digest('hex');
}

export type TrailVerdict =
  | { valid: true; events: number; first_broken: null }
  | { valid: false; events: number; first_broken: { sequence: number; reason: string } };

/** Walks the events in stored sequence order and names the first link that does not hold. */
export function verifyTrail(events: (TrailEvent & { contentHash: string | null })[]): TrailVerdict {
  const sorted = [...events].sort((a, b) => a.sequence - b.sequence);
  let previous: string | null = null;
  for (const [i, e] of sorted.entries()) {
    const expected = i + 1;
    const broken = (reason: string): TrailVerdict => ({ valid: false, events: sorted.length, first_broken: { sequence: expected, reason } });
    if (e.sequence !== expected) return broken(`event ${expected} is missing (the next stored event is ${e.sequence})`);
    if (!e.contentHash) return broken('the event has no content_hash');
    if (contentHash(previous, e) !== e.contentHash) return broken('content_hash does not match the event and its predecessor');
    previous = e.contentHash;
  }
  return { valid: true, events: sorted.length, first_broken: null };
}
