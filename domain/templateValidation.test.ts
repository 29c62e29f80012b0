import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES, DVP_STANDARD, type TemplateConfig } from './template.ts';
import { templateProblems } from './templateValidation.ts';
import { CUSTOM } from '../test/support/templates.ts';

const dvp = DVP_STANDARD.config;
const withChanges = (changes: Partial<TemplateConfig>): TemplateConfig => ({ ...structuredClone(dvp), ...changes });

describe('templateProblems', () => {
  it('accepts every built-in and a custom order of actions', () => {
    for (const t of BUILT_IN_TEMPLATES) expect(templateProblems(t.config), t.slug).toEqual([]);
    expect(templateProblems(CUSTOM)).toEqual([]);
  });

  it.each<[string, TemplateConfig, RegExp]>([
    ['an unreachable state', withChanges({ states: [...dvp.states, 'LIMBO'] }), /LIMBO cannot be reached/],
    ['an unknown action type', withChanges({ actions: { ...dvp.actions, SETTLED: { type: 'teleport' as never } } }), /unknown action type teleport/],
    ['a dead end', withChanges({ transitions: { ...dvp.transitions, COMPLIANCE_CLEARED: { allowed_next: ['ROLLED_BACK'] } } }), /COMPLIANCE_CLEARED must have exactly one next state/],
    ['no failure state where a step can fail', withChanges({ transitions: { ...dvp.transitions, AWAITING_DEPOSITS: { allowed_next: ['EXECUTING_SWAP'] } } }), /AWAITING_DEPOSITS can fail/],
    ['a rollback after the swap', withChanges({ transitions: { ...dvp.transitions, SETTLED: { allowed_next: ['FINALIZED', 'ROLLED_BACK'] } } }), /SETTLED comes after the swap/],
    ['a swap before deposits', withChanges({ actions: { ...dvp.actions, AWAITING_DEPOSITS: { type: 'execute_swap' }, EXECUTING_SWAP: { type: 'await_deposits' } } }), /await_deposits must come after|execute_swap must come after/],
    ['no compliance', withChanges({ actions: { ...dvp.actions, COMPLIANCE_CHECKING: { type: 'noop' } } }), /compliance_check exactly once/],
    ['an unknown initial state', withChanges({ initial_state: 'START' }), /initial_state START is not a state/],
    ['a failure state that is not terminal', withChanges({ failure_states: ['ROLLED_BACK', 'SETTLED'] }), /failure state SETTLED must also be terminal/],
  ])('refuses %s, naming it', (_name, config, reason) => {
    const problems = templateProblems(config);
    expect(problems.join('\n')).toMatch(reason);
  });
});
