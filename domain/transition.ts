// A settlement's move from one state to the next: what the workflow records, the audit trail
// chains by hash, and the webhooks announce. One definition for all three.

export interface Transition {
  settlementId: string;
  /** Its place in the settlement's trail, from 1. */
  sequence: number;
  /** Null for the first, which enters the template's initial state. */
  fromState: string | null;
  toState: string;
  /** Who or what moved it: `api`, `action:<type>`, `workflow:<cause>`, `compliance:flagged`, `operator:force-rollback`. */
  triggeredBy: string;
  payload: Record<string, unknown>;
}
