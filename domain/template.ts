// Settlement templates in KeyStone's format. The workflow interprets a template's
// data; nothing about the order of steps is hard-coded outside this file's helpers.

import { LockstepError } from './errors.ts';

export const ACTION_TYPES = [
  'noop',
  'compliance_check',
  'escrow_register',
  'await_deposits',
  'execute_swap',
  'await_finality',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface TemplateAction {
  type: ActionType;
  /** compliance_check only: what a flagged screening does. Default `fail`. */
  on_flag?: 'fail' | 'await_decision';
}

export interface TemplateConfig {
  states: string[];
  initial_state: string;
  terminal_states: string[];
  failure_states: string[];
  transitions: Record<string, { allowed_next: string[] }>;
  actions: Record<string, TemplateAction>;
  required_roles: string[];
  required_leg_types: string[];
}

export interface Template {
  id: string;
  slug: string;
  version: number;
  name: string;
  description: string | null;
  config: TemplateConfig;
}

/**
 * What runs each action, as KeyStone's ActionConfig describes one: the provider, how its
 * result arrives, and how long one attempt may take: the startToCloseTimeout its activity
 * has in workflows/activities.ts (change both together), 0 for an action bounded only by the
 * settlement's timeout_at.
 */
export const ACTION_RUNTIME: Record<ActionType, { provider: string; resolution: 'immediate' | 'webhook' | 'poll' | 'manual'; timeoutSeconds: number }> = {
  noop: { provider: 'lockstep', resolution: 'immediate', timeoutSeconds: 0 },
  compliance_check: { provider: 'lockstep-screening', resolution: 'immediate', timeoutSeconds: 30 },
  escrow_register: { provider: 'lockstep-evm-escrow', resolution: 'immediate', timeoutSeconds: 60 },
  // Deposits are watched on the chain: the listener's signals, and re-reads of the contract.
  await_deposits: { provider: 'lockstep-evm-escrow', resolution: 'poll', timeoutSeconds: 0 },
  execute_swap: { provider: 'lockstep-evm-escrow', resolution: 'immediate', timeoutSeconds: 300 },
  await_finality: { provider: 'lockstep-evm-escrow', resolution: 'poll', timeoutSeconds: 300 },
};

export class TemplateError extends LockstepError {
  override readonly name = 'TemplateError';
}

export function isTerminal(config: TemplateConfig, state: string): boolean {
  return config.terminal_states.includes(state);
}

/** Whether a settlement in `state` can still roll back: before the swap, any non-terminal state can. */
export function canRollBack(config: TemplateConfig, state: string): boolean {
  return (config.transitions[state]?.allowed_next ?? []).some((s) => config.failure_states.includes(s));
}

export function actionFor(config: TemplateConfig, state: string): TemplateAction {
  return config.actions[state] ?? { type: 'noop' };
}

/** The one state a successful action leads to: the allowed next state that is not a failure state. */
export function successorOf(config: TemplateConfig, state: string): string {
  const next = (config.transitions[state]?.allowed_next ?? []).filter((s) => !config.failure_states.includes(s));
  if (next.length !== 1) {
    throw new TemplateError(`state ${state} must have exactly one non-failure next state, has ${next.length}`);
  }
  return next[0]!;
}

export type FailureCause = 'timeout' | 'compliance' | 'error' | 'cancelled';

/** Where a failure from `state` leads: TIMED_OUT for a timeout where the template has it, else its first other failure state. */
export function failureStateOf(config: TemplateConfig, state: string, cause: FailureCause): string {
  const allowed = (config.transitions[state]?.allowed_next ?? []).filter((s) => config.failure_states.includes(s));
  if (cause === 'timeout' && allowed.includes('TIMED_OUT')) return 'TIMED_OUT';
  const preferred = allowed.find((s) => s !== 'TIMED_OUT') ?? allowed[0];
  if (!preferred) throw new TemplateError(`state ${state} has no failure state to roll back to`);
  return preferred;
}

const DVP_STATES = [
  'INSTRUCTED',
  'COMPLIANCE_CHECKING',
  'COMPLIANCE_CLEARED',
  'REGISTERING_ESCROW',
  'AWAITING_DEPOSITS',
  'EXECUTING_SWAP',
  'SETTLED',
  'FINALIZED',
] as const;

function linear(states: readonly string[], failures: string[]): TemplateConfig['transitions'] {
  const transitions: TemplateConfig['transitions'] = {};
  states.forEach((state, i) => {
    const next = states[i + 1];
    // SETTLED is past the point of no return: the swap has happened on-chain.
    const canFail = next !== undefined && state !== 'SETTLED';
    transitions[state] = { allowed_next: [...(next ? [next] : []), ...(canFail ? failures : [])] };
  });
  for (const failure of failures) transitions[failure] = { allowed_next: [] };
  return transitions;
}

/**
 * The guide's states and actions; the built-ins differ in the legs they require and, for
 * review, in a flagged screening waiting for a person and a timeout ending in TIMED_OUT.
 */
function standard(id: string, slug: string, name: string, description: string, requiredLegTypes: string[], review = false): Template {
  const failures = review ? ['ROLLED_BACK', 'TIMED_OUT'] : ['ROLLED_BACK'];
  return {
    id,
    slug,
    version: 1,
    name,
    description,
    config: {
      states: [...DVP_STATES, ...failures],
      initial_state: 'INSTRUCTED',
      terminal_states: ['FINALIZED', ...failures],
      failure_states: failures,
      transitions: linear(DVP_STATES, failures),
      actions: {
        INSTRUCTED: { type: 'noop' },
        COMPLIANCE_CHECKING: review ? { type: 'compliance_check', on_flag: 'await_decision' } : { type: 'compliance_check' },
        COMPLIANCE_CLEARED: { type: 'noop' },
        REGISTERING_ESCROW: { type: 'escrow_register' },
        AWAITING_DEPOSITS: { type: 'await_deposits' },
        EXECUTING_SWAP: { type: 'execute_swap' },
        SETTLED: { type: 'await_finality' },
      },
      required_roles: ['buyer', 'seller'],
      required_leg_types: requiredLegTypes,
    },
  };
}

export const DVP_STANDARD = standard(
  '00000000-0000-4000-8000-000000000001', 'dvp-standard', 'Single-platform DvP',
  "The KeyStone guide's default: an asset against a payment, both escrowed and swapped in one transaction; a flagged screening rolls back.",
  ['asset', 'payment'],
);
export const DVP_REVIEW = standard(
  '00000000-0000-4000-8000-000000000002', 'dvp-review', 'DvP with compliance review',
  'Like dvp-standard, but a flagged screening waits for a compliance decision, and a timeout ends in TIMED_OUT.',
  ['asset', 'payment'], true,
);
export const PVP_STANDARD = standard(
  '00000000-0000-4000-8000-000000000003', 'pvp-standard', 'Payment versus payment',
  'Two payment legs, typically in different tokens, escrowed and swapped in one transaction.',
  ['payment', 'payment'],
);
export const FOP_STANDARD = standard(
  '00000000-0000-4000-8000-000000000004', 'fop-standard', 'Delivery free of payment',
  'Only the asset leg is escrowed and delivered; any payment happens elsewhere.',
  ['asset'],
);

export const BUILT_IN_TEMPLATES: readonly Template[] = [DVP_STANDARD, DVP_REVIEW, PVP_STANDARD, FOP_STANDARD];
