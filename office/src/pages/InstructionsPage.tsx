// Bilateral instructions: each side a platform submitted, by status (pending a match, matched
// into a settlement, expired unmatched, cancelled), with why a side did not match the
// counterparty's pending one when it was submitted. A Manager cancels a pending side. Read
// again every 5 s: a side that expires or matches moves tab by itself.

import { useState } from 'react';
import { call } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Failure } from '../components/Failure.tsx';
import { Pager } from '../components/Pager.tsx';
import { Tabs } from '../components/Tabs.tsx';
import { holds } from '../rights.ts';
import { navigate } from '../router.ts';
import { useAction } from '../useAction.ts';
import { useApi } from '../useApi.ts';
import type { Instruction, OfficeUser, Page } from '../types.ts';

const PAGE_SIZE = 20;
const POLL_MS = 5000;
const TABS = ['Pending', 'Matched', 'Expired', 'Cancelled', 'All'] as const;
type Tab = (typeof TABS)[number];
const STATUS: Record<Tab, string> = { Pending: 'pending_match', Matched: 'matched', Expired: 'expired', Cancelled: 'cancelled', All: '' };

function Outcome({ instruction: i }: { instruction: Instruction }) {
  if (i.settlement_id) {
    return (
      <a href={`/office/settlements/${i.settlement_id}`} onClick={(e) => (e.preventDefault(), navigate(`/settlements/${i.settlement_id}`))}>
        settlement {i.settlement_id.slice(0, 8)}
      </a>
    );
  }
  if (!i.mismatches.length) return <>—</>;
  return (
    <ul className="mismatches">
      {i.mismatches.map((m) => (
        <li key={m.field}>
          <code>{m.field}</code>: {m.reason} (ours {m.ours ?? 'none'}, theirs {m.theirs ?? 'none'})
        </li>
      ))}
    </ul>
  );
}

export function InstructionsPage({ user }: { user: OfficeUser }) {
  const [tab, setTab] = useState<Tab>('Pending');
  const [reference, setReference] = useState('');
  const [offset, setOffset] = useState(0);
  const [changes, setChanges] = useState(0);
  const action = useAction();
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
  if (STATUS[tab]) query.set('status', STATUS[tab]);
  if (reference.trim()) query.set('trade_reference', reference.trim());
  const { data, error } = useApi<Page<Instruction>>(`/v1/instructions?${query}`, { pollMs: POLL_MS, changes });
  const mayCancel = holds(user, 'instructions:write');
  const cancel = (i: Instruction) =>
    action.run(async () => {
      await call('DELETE', `/v1/instructions/${i.id}`);
      setChanges((c) => c + 1);
    });
  return (
    <section aria-labelledby="instructions-title">
      <h1 id="instructions-title">Instructions</h1>
      <Tabs tabs={TABS} current={tab} onChoose={(t) => (setTab(t), setOffset(0))} label="Instructions by status" />
      <div className="filters">
        <label htmlFor="trade-reference">Trade reference</label>
        <input id="trade-reference" type="search" value={reference} onChange={(e) => (setReference(e.target.value), setOffset(0))} />
      </div>
      <Failure error={error ?? action.error} />
      {data && !data.items.length && <p>No instructions here.</p>}
      {data && data.items.length > 0 && (
        <DataTable
          className="instructions-list"
          columns={['Trade reference', 'Side', 'Legs', 'Status', 'Expires', 'Settlement or mismatches', ...(mayCancel ? [''] : [])]}
          rows={data.items.map((i) => ({
            key: i.id,
            attributes: { 'data-instruction': i.id },
            cells: [
              <code>{i.trade_reference}</code>,
              `${i.role}: ${i.party.name ?? i.party.external_reference} (${i.template_slug})`,
              i.legs.map((l, n) => (
                <span key={n} className="leg">
                  {l.direction} {l.quantity} <code>{l.instrument_id}</code>
                </span>
              )),
              i.status,
              new Date(i.expires_at).toLocaleString(),
              <Outcome instruction={i} />,
              ...(mayCancel
                ? [
                    i.status === 'pending_match' && (
                      <button type="button" onClick={() => cancel(i)} aria-label={`Cancel the ${i.role}'s side of ${i.trade_reference}`}>
                        Cancel
                      </button>
                    ),
                  ]
                : []),
            ],
          }))}
        />
      )}
      {data && <Pager offset={offset} size={PAGE_SIZE} total={data.total} onMove={setOffset} />}
    </section>
  );
}
