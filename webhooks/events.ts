// Which webhook events a settlement's transition gives, what receivers get, and which
// endpoints want them. Pure: the events are made before the statement that records the
// transition writes them (db/transitionWrites.ts).

import type { Transition } from '../domain/transition.ts';

// compliance.* is KeyStone's spelling of settlement.compliance.*.
export const EVENT_PATTERNS = ['*', 'settlement.*', 'settlement.state.*', 'settlement.compliance.*', 'compliance.*', 'instruction.*'] as const;
export const TEST_EVENT = 'test.ping';

/** An exact event name an endpoint may subscribe to: a state's event, a compliance event or the test ping. */
export const EXACT_EVENT = /^(settlement\.state\.[a-z][a-z0-9_]{0,63}|settlement\.compliance\.(cleared|failed|flagged)|instruction\.(matched|expired|cancelled)|test\.ping)$/;

/** What happens to an instruction, to the platform that submitted it. */
export type InstructionEvent = 'instruction.matched' | 'instruction.expired' | 'instruction.cancelled';

/** What of a transition says which events it stands for. */
export type TransitionFacts = Pick<Transition, 'fromState' | 'toState' | 'triggeredBy' | 'payload'>;

/**
 * The events one recorded transition stands for: its compliance outcome, if it has one
 * (a screening result or a reviewer's decision), then the state it entered. A flag keeps
 * the settlement in its state, so it gives only the compliance event.
 */
export function eventNamesFor(t: TransitionFacts): string[] {
  const names: string[] = [];
  const screening = (t.payload.screening as { outcome?: string } | undefined)?.outcome;
  const decision = t.payload.decision;
  if (t.triggeredBy === 'compliance:flagged') names.push('settlement.compliance.flagged');
  else if (screening === 'cleared' || decision === 'approve') names.push('settlement.compliance.cleared');
  // A flag that the template does not review fails the settlement, as a hit does.
  else if (screening === 'failed' || screening === 'flagged' || decision === 'reject') names.push('settlement.compliance.failed');
  if (t.fromState !== t.toState) names.push(`settlement.state.${t.toState.toLowerCase()}`);
  return names;
}

/** Whether an endpoint subscribed with `patterns` wants the event `name` (the test ping goes to whoever asks for it). */
export function wants(patterns: string[], name: string): boolean {
  return patterns.some(
    (p) =>
      p === name ||
      p === '*' ||
      (p === 'settlement.*' && name.startsWith('settlement.')) ||
      (p === 'settlement.state.*' && name.startsWith('settlement.state.')) ||
      ((p === 'settlement.compliance.*' || p === 'compliance.*') && name.startsWith('settlement.compliance.')) ||
      (p === 'instruction.*' && name.startsWith('instruction.')),
  );
}

export interface SettlementEventData {
  settlement_id: string;
  state: string;
  previous_state: string | null;
  settlement_type: string;
  timestamp: string;
}

export interface InstructionEventData {
  instruction_id: string;
  trade_reference: string;
  status: string;
  settlement_id: string | null;
  timestamp: string;
}

/** KeyStone's envelope plus the event's own id, which receivers use to drop a repeat. */
export const envelope = (id: string, event: string, data: object) => ({ id, event, data });
