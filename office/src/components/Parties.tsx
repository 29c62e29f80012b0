import { DataTable } from './DataTable.tsx';
import { Section } from './Section.tsx';
import type { Party } from '../types.ts';

export function Parties({ parties }: { parties: Party[] }) {
  return (
    <Section id="parties" title="Parties">
      <DataTable
        columns={['Role', 'Name', 'Reference', 'Wallet', 'Status']}
        rows={parties.map((p) => ({
          key: p.id,
          cells: [p.role, p.name ?? '—', p.external_reference ?? '—', <code>{p.wallet_address ?? p.wallet_address_hint}</code>, p.status],
        }))}
      />
    </Section>
  );
}
