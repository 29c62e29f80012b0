import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES } from '../../domain/template.ts';
import { listQuery, tabStates } from './tabs.ts';

describe("the settlement list's tabs", () => {
  it("put the built-in templates' states where KeyStone's tabs have them", () => {
    expect(tabStates(BUILT_IN_TEMPLATES.map((t) => t.config))).toEqual({
      Active: ['INSTRUCTED', 'COMPLIANCE_CLEARED', 'REGISTERING_ESCROW', 'AWAITING_DEPOSITS', 'EXECUTING_SWAP'],
      Compliance: ['COMPLIANCE_CHECKING'],
      Settled: ['SETTLED', 'FINALIZED'],
      Failed: ['ROLLED_BACK', 'TIMED_OUT'],
    });
  });

  it('show a state that is a failure in one template and a step in another as failed', () => {
    const step = { states: ['A', 'X', 'DONE'], terminal_states: ['DONE'], failure_states: ['F'], actions: {} };
    const failing = { states: ['A', 'X'], terminal_states: ['X'], failure_states: ['X'], actions: {} };
    expect(tabStates([step, failing])).toMatchObject({ Active: ['A'], Failed: ['X'] });
  });

  it('ask for a tab of several states in one query, with the filters given and none that are not', () => {
    const none = { template: '', from: '', to: '', partyReference: '' };
    expect(listQuery([], none, 40, 20)).toBe('limit=20&offset=40');
    const q = new URLSearchParams(listQuery(['SETTLED', 'FINALIZED'], { template: 'dvp-standard', from: '2026-01-01', to: '2026-01-31', partyReference: ' acme-1 ' }, 0, 20));
    expect(q.get('state')).toBe('SETTLED,FINALIZED');
    expect(q.get('template_id')).toBe('dvp-standard');
    expect(q.get('created_after')).toBe(new Date('2026-01-01T00:00:00').toISOString());
    // The last day counts whole: the range ends where the next day begins.
    expect(q.get('created_before')).toBe(new Date('2026-02-01T00:00:00').toISOString());
    expect(q.get('party_reference')).toBe('acme-1');
  });
});
