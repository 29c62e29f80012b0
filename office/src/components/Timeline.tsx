import { Section } from './Section.tsx';
import type { SettlementEvent } from '../types.ts';

export function Timeline({ events }: { events: SettlementEvent[] }) {
  return (
    <Section id="timeline" title="Timeline">
      <ol className="timeline">
        {events.map((e) => (
          <li key={e.id} data-event={e.to_state}>
            <time dateTime={e.created_at}>{new Date(e.created_at).toLocaleString()}</time>{' '}
            <strong>
              {e.from_state ? `${e.from_state} → ` : ''}
              {e.to_state}
            </strong>{' '}
            by <code>{e.triggered_by}</code>
            {e.payload !== null && typeof e.payload === 'object' && Object.keys(e.payload).length > 0 && <pre>{JSON.stringify(e.payload, null, 2)}</pre>}
          </li>
        ))}
      </ol>
    </Section>
  );
}
