import { DataTable } from './DataTable.tsx';
import { navigate } from '../router.ts';
import type { Settlement } from '../types.ts';

export function SettlementTable({ settlements }: { settlements: Settlement[] }) {
  if (!settlements.length) return <p>No settlements here.</p>;
  return (
    <DataTable
      className="settlements"
      columns={['Settlement', 'State', 'Reference', 'Type', 'Created']}
      rows={settlements.map((s) => ({
        key: s.id,
        attributes: { 'data-settlement': s.id },
        cells: [
          <a href={`/office/settlements/${s.id}`} onClick={(e) => (e.preventDefault(), navigate(`/settlements/${s.id}`))}>
            {s.id}
          </a>,
          <span className="state">{s.state}</span>,
          s.external_reference ?? '—',
          s.settlement_type,
          new Date(s.created_at).toLocaleString(),
        ],
      }))}
    />
  );
}
