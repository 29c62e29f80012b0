// The environment's screening suppressions with their status; a reviewer revokes one with a
// reason, and the match counts again from the next screening.

import { useState } from 'react';
import { call } from '../api.ts';
import { navigate } from '../router.ts';
import { useApi } from '../useApi.ts';
import { DataTable } from './DataTable.tsx';
import { Pager } from './Pager.tsx';
import { ReasonForm } from './ReasonForm.tsx';
import { Section } from './Section.tsx';
import type { Page, Suppression } from '../types.ts';

const PAGE_SIZE = 20;

export function Suppressions({ mayRevoke, changes }: { mayRevoke: boolean; changes: number }) {
  const [status, setStatus] = useState<'active' | 'revoked' | 'all'>('active');
  const [offset, setOffset] = useState(0);
  const [revoking, setRevoking] = useState<Suppression | null>(null);
  const { data, error, reload } = useApi<Page<Suppression>>(`/v1/compliance/suppressions?status=${status}&limit=${PAGE_SIZE}&offset=${offset}`, { changes });
  const revoke = async (s: Suppression, reason: string) => {
    await call('POST', `/v1/compliance/suppressions/${s.id}/revoke`, { reason });
    setRevoking(null);
    reload();
  };
  return (
    <Section id="suppressions" title="Suppressions">
      <div className="filters">
        <label htmlFor="suppression-status">Status</label>
        <select id="suppression-status" value={status} onChange={(e) => (setStatus(e.target.value as typeof status), setOffset(0))}>
          <option value="active">active</option>
          <option value="revoked">revoked</option>
          <option value="all">all</option>
        </select>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && !data.items.length && <p>No suppressions here.</p>}
      {data && data.items.length > 0 && (
        <DataTable
          columns={['List entry', 'Party', 'Settlement', 'Reason', 'By', 'Status', ...(mayRevoke ? [''] : [])]}
          rows={data.items.map((s) => ({
            key: s.id,
            attributes: { 'data-suppression': s.id },
            cells: [
              `${s.entry_name} (${s.list} ${s.entry_id})`,
              s.party_role ?? '—',
              s.settlement_id ? (
                <a href={`/office/settlements/${s.settlement_id}`} onClick={(e) => (e.preventDefault(), navigate(`/settlements/${s.settlement_id}`))}>
                  {s.settlement_id.slice(0, 8)}
                </a>
              ) : (
                '—'
              ),
              s.reason,
              <>
                <code>{s.created_by}</code> {new Date(s.created_at).toLocaleString()}
              </>,
              s.status,
              ...(mayRevoke
                ? [
                    s.status === 'active' && (
                      <button type="button" onClick={() => setRevoking(s)} aria-label={`Revoke the suppression of ${s.entry_name}`}>
                        Revoke
                      </button>
                    ),
                  ]
                : []),
            ],
          }))}
        />
      )}
      {revoking && (
        <ReasonForm
          id="revoke-reason"
          label={`Why ${revoking.entry_name} counts again`}
          action="Revoke suppression"
          onSubmit={(reason) => revoke(revoking, reason)}
          onCancel={() => setRevoking(null)}
        />
      )}
      {data && <Pager offset={offset} size={PAGE_SIZE} total={data.total} onMove={setOffset} />}
    </Section>
  );
}
