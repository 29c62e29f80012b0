// The settlement list: KeyStone's tabs, a state filter within the tab, and pages of 20.

import { useEffect, useState } from 'react';
import { call } from '../api.ts';
import { Pager } from '../components/Pager.tsx';
import { SettlementTable } from '../components/SettlementTable.tsx';
import { StateFilter } from '../components/StateFilter.tsx';
import { Tabs } from '../components/Tabs.tsx';
import { mergeNewestFirst, tabStates, type Tab } from '../tabs.ts';
import type { Page, Settlement, Template } from '../types.ts';

const PAGE_SIZE = 20;

/** The states a query asks for: the one filtered on, else the tab's (none: All). */
async function fetchPage(states: string[], offset: number): Promise<{ items: Settlement[]; total: number }> {
  if (!states.length) return call<Page<Settlement>>('GET', `/v1/settlements?limit=${PAGE_SIZE}&offset=${offset}`);
  const pages = await Promise.all(states.map((s) => call<Page<Settlement>>('GET', `/v1/settlements?state=${s}&limit=${offset + PAGE_SIZE}`)));
  return mergeNewestFirst(pages, offset, PAGE_SIZE);
}

export function SettlementsPage() {
  const [tabs, setTabs] = useState<ReturnType<typeof tabStates> | null>(null);
  const [tab, setTab] = useState<Tab>('All');
  const [state, setState] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: Settlement[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call<Page<Template>>('GET', '/v1/settlement-templates?limit=200').then((t) => setTabs(tabStates(t.items.map((i) => i.config))), (e: Error) => setError(e.message));
  }, []);

  const states = state ? [state] : tab === 'All' || !tabs ? [] : tabs[tab];
  const key = `${states.join(',')}@${offset}`;
  useEffect(() => {
    if (!tabs) return;
    setPage(null);
    fetchPage(states, offset).then(setPage, (e: Error) => setError(e.message));
    // key names the states and offset by value: a new array of the same states asks nothing again.
  }, [key, tabs]);

  const choose = (t: Tab) => {
    setTab(t);
    setState('');
    setOffset(0);
  };
  const allStates = tabs ? [...new Set(Object.values(tabs).flat())] : [];

  return (
    <section aria-labelledby="settlements-title">
      <h1 id="settlements-title">Settlements</h1>
      <Tabs current={tab} onChoose={choose} />
      <StateFilter states={tab === 'All' ? allStates : (tabs?.[tab] ?? [])} value={state} onChange={(s) => (setState(s), setOffset(0))} />
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
