// What makes a template safe to run: a shape the interpreter can walk, and an order
// of money-moving actions that can never move funds without an escrow behind them.

import { ACTION_TYPES, type ActionType, type TemplateConfig } from './template.ts';

/** The actions every template runs exactly once, in this order, on its way to success. */
const MONEY_PATH: ActionType[] = ['escrow_register', 'await_deposits', 'execute_swap'];

export function templateProblems(config: TemplateConfig): string[] {
  const problems: string[] = [];
  const states = new Set(config.states);
  const isState = (s: string) => states.has(s);
  const next = (s: string) => config.transitions[s]?.allowed_next ?? [];

  if (states.size !== config.states.length) problems.push('states must be unique');
  if (!isState(config.initial_state)) problems.push(`initial_state ${config.initial_state} is not a state`);
  for (const s of [...config.terminal_states, ...config.failure_states]) if (!isState(s)) problems.push(`${s} is not a state`);
  for (const s of config.failure_states) if (!config.terminal_states.includes(s)) problems.push(`failure state ${s} must also be terminal`);
  if (!config.terminal_states.some((s) => !config.failure_states.includes(s))) problems.push('there must be a terminal state that is not a failure');
  for (const [s, t] of Object.entries(config.transitions)) {
    if (!isState(s)) problems.push(`transitions name an unknown state ${s}`);
    for (const n of t.allowed_next) if (!isState(n)) problems.push(`${s} may move to unknown state ${n}`);
  }
  for (const [s, action] of Object.entries(config.actions)) {
    if (!isState(s)) problems.push(`actions name an unknown state ${s}`);
    if (!(ACTION_TYPES as readonly string[]).includes(action.type)) problems.push(`${s} has unknown action type ${action.type}`);
    if (action.on_flag !== undefined && action.type !== 'compliance_check') problems.push(`${s}: on_flag belongs to compliance_check only`);
  }
  if (problems.length) return problems;

  const reachable = new Set([config.initial_state]);
  for (const queue = [config.initial_state]; queue.length; ) {
    for (const n of next(queue.shift()!)) {
      if (reachable.has(n)) continue;
      reachable.add(n);
      queue.push(n);
    }
  }
  for (const s of config.states) if (!reachable.has(s)) problems.push(`${s} cannot be reached from ${config.initial_state}`);
  for (const s of config.terminal_states) if (next(s).length) problems.push(`terminal state ${s} must have no next state`);
  for (const s of config.states) {
    if (config.terminal_states.includes(s)) continue;
    const forward = next(s).filter((n) => !config.failure_states.includes(n));
    if (forward.length !== 1) problems.push(`${s} must have exactly one next state that is not a failure, has ${forward.length}`);
  }
  if (problems.length) return problems;

  // The success path, as the workflow will walk it.
  const path: string[] = [];
  for (let s = config.initial_state; !config.terminal_states.includes(s); ) {
    if (path.includes(s)) return [...problems, `the path from ${config.initial_state} loops at ${s}`];
    path.push(s);
    s = next(s).find((n) => !config.failure_states.includes(n))!;
  }
  const actions = path.map((s) => config.actions[s]?.type ?? 'noop');
  const indexes = MONEY_PATH.map((type) => actions.indexOf(type));
  for (const [i, type] of MONEY_PATH.entries()) {
    const count = actions.filter((a) => a === type).length;
    if (count !== 1) problems.push(`the path to success must run ${type} exactly once, runs it ${count} times`);
    else if (i > 0 && indexes[i]! < indexes[i - 1]!) problems.push(`${type} must come after ${MONEY_PATH[i - 1]}`);
  }
  const swapAt = indexes[2]!;
  const compliance = actions.indexOf('compliance_check');
  if (actions.filter((a) => a === 'compliance_check').length !== 1) problems.push('the path to success must run compliance_check exactly once');
  else if (swapAt >= 0 && compliance > swapAt) problems.push('compliance_check must come before execute_swap');
  const finality = actions.indexOf('await_finality');
  if (finality >= 0 && finality < swapAt) problems.push('await_finality must come after execute_swap');
  // Until the swap a step can fail or time out, so each state needs a failure state; after it nothing can be undone.
  path.forEach((s, i) => {
    const failures = next(s).filter((n) => config.failure_states.includes(n));
    if (i <= swapAt && !failures.length) problems.push(`${s} can fail, so it needs a failure state among its next states`);
    if (i > swapAt && failures.length) problems.push(`${s} comes after the swap and cannot roll back`);
  });
  return problems;
}
