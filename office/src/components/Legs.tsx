import { DataTable } from './DataTable.tsx';
import { DepositInstructions } from './DepositInstructions.tsx';
import { Section } from './Section.tsx';
import type { Leg } from '../types.ts';

function Deposit({ leg }: { leg: Leg }) {
  return (
    <>
      <span className={`deposit deposit-${leg.deposit.status}`}>{leg.deposit.status}</span>
      {leg.deposit.tx_hash && (
        <>
          {' '}
          <code>{leg.deposit.tx_hash}</code>
        </>
      )}
    </>
  );
}

export function Legs({ legs }: { legs: Leg[] }) {
  return (
    <Section id="legs" title="Legs">
      <DataTable
        columns={['Type', 'Instrument', 'Quantity', 'From → to', 'Deposit']}
        rows={legs.map((l) => ({
          key: l.id,
          attributes: { 'data-leg': l.id },
          cells: [
            l.leg_type,
            // An instrument is a symbol or, for a token the registry does not name, its address.
            <>
              <code>{l.instrument_id}</code>
              {l.instrument_id.toLowerCase() !== l.token_address.toLowerCase() && (
                <>
                  {' '}
                  <code>{l.token_address}</code>
                </>
              )}
            </>,
            l.quantity,
            `${l.from_role} → ${l.to_role}`,
            <Deposit leg={l} />,
          ],
        }))}
      />
      {legs.map((l) => l.deposit.instructions && <DepositInstructions key={l.id} leg={l} calls={l.deposit.instructions} />)}
    </Section>
  );
}
