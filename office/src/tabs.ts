// KeyStone's tabs over the settlement list, as sets of states read from the environment's
// templates (a template of its own has states of its own): Failed is every failure state,
// Compliance every state that screens, Settled the swap done (awaiting finality) and
// finalized, Active the rest of the way there. All is no filter.

import type { TemplateConfig } from './types.ts';

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

/** What the filter form narrows the list to, as the form holds it ('' for not given; dates as YYYY-MM-DD). */
export interface ListFilters {
  template: string;
  from: string;
  to: string;
  partyReference: string;
}

/**
 * The query of one page of GET /v1/settlements: the states in one comma-separated state= (the
 * API matches any of them), and the form's filters. Dates are days of the viewer's own calendar,
 * sent as the instants they begin, `to` inclusive (the API's created_before is not).
 */
export function listQuery(states: string[], filters: ListFilters, offset: number, limit: number): string {
  const q = new URLSearchParams({ limit: String(limit), offset: String(offset) });
  if (states.length) q.set('state', states.join(','));
  if (filters.template) q.set('template_id', filters.template);
  const dayStart = (day: string, days = 0) => {
    const d = new Date(`${day}T00:00:00`);
    d.setDate(d.getDate() + days);
    return d.toISOString();
  };
  if (filters.from) q.set('created_after', dayStart(filters.from));
  if (filters.to) q.set('created_before', dayStart(filters.to, 1));
  if (filters.partyReference.trim()) q.set('party_reference', filters.partyReference.trim());
  return q.toString();
}
