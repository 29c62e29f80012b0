import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES } from '../../domain/template.ts';
import { mergeNewestFirst, tabStates } from './tabs.ts';
import type { Settlement } from './types.ts';

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

  it("merge one page per state into one page, newest first, counting every state's total", () => {
    const s = (id: string, at: string) => ({ id, created_at: at }) as Settlement;
    const pages = [
      { items: [s('a', '2026-01-03'), s('b', '2026-01-01')], total: 5 },
      { items: [s('c', '2026-01-02')], total: 1 },
    ];
    expect(mergeNewestFirst(pages, 1, 2)).toEqual({ items: [s('c', '2026-01-02'), s('b', '2026-01-01')], total: 6 });
  });
});
