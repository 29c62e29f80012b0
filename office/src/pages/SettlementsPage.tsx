// The settlement list: KeyStone's tabs, a state filter within the tab, the other filters, and pages of 20.

import { useEffect, useState } from 'react';
import { call } from '../api.ts';
import { ListFilterForm } from '../components/ListFilterForm.tsx';
import { Pager } from '../components/Pager.tsx';
import { SettlementTable } from '../components/SettlementTable.tsx';
import { StateFilter } from '../components/StateFilter.tsx';
import { Tabs } from '../components/Tabs.tsx';
import { listQuery, TABS, tabStates, type ListFilters, type Tab } from '../tabs.ts';
import type { Page, Settlement, Template } from '../types.ts';

const PAGE_SIZE = 20;

const NO_FILTERS: ListFilters = { template: '', from: '', to: '', partyReference: '' };

export function SettlementsPage() {
  const [templates, setTemplates] = useState<Template[]>([]);
  const [tabs, setTabs] = useState<ReturnType<typeof tabStates> | null>(null);
  const [filters, setFilters] = useState(NO_FILTERS);
  const [tab, setTab] = useState<Tab>('All');
  const [state, setState] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: Settlement[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call<Page<Template>>('GET', '/v1/settlement-templates?limit=200').then((t) => (setTemplates(t.items), setTabs(tabStates(t.items.map((i) => i.config)))), (e: Error) => setError(e.message));
  }, []);

  // The state filtered on, else the tab's (none: All).
  const states = state ? [state] : tab === 'All' || !tabs ? [] : tabs[tab];
  const query = listQuery(states, filters, offset, PAGE_SIZE);
  useEffect(() => {
    if (!tabs) return;
    // The page shown stays until the next one is read: no flash of "Loading…" at each filter.
    // A slow answer to a query the user has moved on from (another tab, filter or page) is dropped.
    let current = true;
    call<Page<Settlement>>('GET', `/v1/settlements?${query}`).then(
      (p) => current && setPage(p),
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
    // query names the states, filters and offset by value: a new array of the same states asks nothing again.
  }, [query, tabs]);

  const choose = (t: Tab) => {
    setTab(t);
    setState('');
    setOffset(0);
  };
  const allStates = tabs ? [...new Set(Object.values(tabs).flat())] : [];

  return (
    <section aria-labelledby="settlements-title">
      <h1 id="settlements-title">Settlements</h1>
      <Tabs tabs={TABS} current={tab} onChoose={choose} label="Settlements by state" />
      <StateFilter states={tab === 'All' ? allStates : (tabs?.[tab] ?? [])} value={state} onChange={(s) => (setState(s), setOffset(0))} />
      <ListFilterForm templates={templates} value={filters} onChange={(f) => (setFilters(f), setOffset(0))} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {page ? <SettlementTable settlements={page.items} /> : <p className="loading">Loading…</p>}
      {page && <Pager offset={offset} size={PAGE_SIZE} total={page.total} onMove={setOffset} />}
    </section>
  );
}
