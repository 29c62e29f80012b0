import { describe, expect, it } from 'vitest';
import { actionFor, DVP_STANDARD, failureStateOf, isTerminal, successorOf, TemplateError, type TemplateConfig } from './template.ts';

const config = DVP_STANDARD.config;

describe('dvp-standard', () => {
  it('walks the guide states in order through one successor each', () => {
    const path = [config.initial_state];
    while (!isTerminal(config, path.at(-1)!)) path.push(successorOf(config, path.at(-1)!));
    expect(path).toEqual([
      'INSTRUCTED', 'COMPLIANCE_CHECKING', 'COMPLIANCE_CLEARED', 'REGISTERING_ESCROW',
      'AWAITING_DEPOSITS', 'EXECUTING_SWAP', 'SETTLED', 'FINALIZED',
    ]);
  });

  it('rolls back from every state before the swap settles, and never after', () => {
    for (const state of ['INSTRUCTED', 'COMPLIANCE_CHECKING', 'AWAITING_DEPOSITS', 'EXECUTING_SWAP']) {
      expect(failureStateOf(config, state, 'timeout')).toBe('ROLLED_BACK');
    }
    expect(() => failureStateOf(config, 'SETTLED', 'error')).toThrow(TemplateError);
  });

  it('runs a state without an action as a noop', () => {
    expect(actionFor(config, 'COMPLIANCE_CLEARED')).toEqual({ type: 'noop' });
    expect(actionFor(config, 'AWAITING_DEPOSITS')).toEqual({ type: 'await_deposits' });
  });
});

describe('failure states', () => {
  const withTimedOut: TemplateConfig = {
    ...config,
    failure_states: ['ROLLED_BACK', 'TIMED_OUT'],
    transitions: { ...config.transitions, AWAITING_DEPOSITS: { allowed_next: ['EXECUTING_SWAP', 'ROLLED_BACK', 'TIMED_OUT'] } },
  };

  it('prefers TIMED_OUT for a timeout where the template has it, ROLLED_BACK otherwise', () => {
    expect(failureStateOf(withTimedOut, 'AWAITING_DEPOSITS', 'timeout')).toBe('TIMED_OUT');
    expect(failureStateOf(withTimedOut, 'AWAITING_DEPOSITS', 'compliance')).toBe('ROLLED_BACK');
  });

  it('refuses a state with two ways forward', () => {
    const ambiguous = { ...config, transitions: { ...config.transitions, INSTRUCTED: { allowed_next: ['COMPLIANCE_CHECKING', 'SETTLED'] } } };
    expect(() => successorOf(ambiguous, 'INSTRUCTED')).toThrow(/exactly one non-failure next state/);
  });
});
