// KeyStone's tabs over the settlement list, as sets of states read from the environment's
// templates (a template of its own has states of its own): Failed is every failure state,
// Compliance every state that screens, Settled the swap done (awaiting finality) and
// finalized, Active the rest of the way there. All is no filter.

import type { Settlement, TemplateConfig } from './types.ts';

export const TABS = ['All', 'Active', 'Compliance', 'Settled', 'Failed'] as const;
export type Tab = (typeof TABS)[number];

export function tabStates(configs: TemplateConfig[]): Record<Exclude<Tab, 'All'>, string[]> {
  const tabs = { Active: new Set<string>(), Compliance: new Set<string>(), Settled: new Set<string>(), Failed: new Set<string>() };
  for (const config of configs) {
    for (const state of config.states) {
      const action = config.actions[state]?.type;
      if (config.failure_states.includes(state)) tabs.Failed.add(state);
      else if (action === 'compliance_check') tabs.Compliance.add(state);
      else if (config.terminal_states.includes(state) || action === 'await_finality') tabs.Settled.add(state);
      else tabs.Active.add(state);
    }
  }
  // A state some template fails in and another passes through is shown where it fails.
  for (const state of tabs.Failed) for (const other of [tabs.Active, tabs.Compliance, tabs.Settled]) other.delete(state);
  return { Active: [...tabs.Active], Compliance: [...tabs.Compliance], Settled: [...tabs.Settled], Failed: [...tabs.Failed] };
}

/**
 * One page of settlements in any of several states, newest first, from one page per state
 * (GET /v1/settlements filters by one state): each state's first offset+limit, merged.
 */
export function mergeNewestFirst(pages: { items: Settlement[]; total: number }[], offset: number, limit: number): { items: Settlement[]; total: number } {
  const all = pages.flatMap((p) => p.items).sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
  return { items: all.slice(offset, offset + limit), total: pages.reduce((sum, p) => sum + p.total, 0) };
}
