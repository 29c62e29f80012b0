// An endpoint's deliveries, newest first, each with its latest attempt; any past delivery can
// be sent again as a new one. Read again every 3 s: retries and pings show as they happen.

import { useState } from 'react';
import { call } from '../api.ts';
import { useAction } from '../useAction.ts';
import { useApi } from '../useApi.ts';
import { DataTable } from './DataTable.tsx';
import { Failure } from './Failure.tsx';
import { Pager } from './Pager.tsx';
import { Section } from './Section.tsx';
import type { Page, WebhookDelivery } from '../types.ts';

const PAGE_SIZE = 20;
const POLL_MS = 3000;

const lastAnswer = (d: WebhookDelivery) =>
  d.response_status !== null ? `HTTP ${d.response_status}${d.duration_ms !== null ? ` in ${d.duration_ms} ms` : ''}` : (d.error ?? (d.attempt_count ? 'no answer' : 'not yet attempted'));

export function DeliveryLog({ endpointId, changes }: { endpointId: string; changes: number }) {
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const action = useAction();
  const query = `limit=${PAGE_SIZE}&offset=${offset}${status ? `&status=${status}` : ''}`;
  const log = useApi<Page<WebhookDelivery>>(`/v1/platforms/me/webhooks/${endpointId}/deliveries?${query}`, { pollMs: POLL_MS, changes });
  const resend = (d: WebhookDelivery) =>
    action.run(async () => {
      await call('POST', `/v1/platforms/me/webhooks/${endpointId}/deliveries/${d.id}/resend`);
      log.reload();
    });
  return (
    <Section id="deliveries" title="Delivery log">
      <div className="filters">
        <label htmlFor="delivery-status">Status</label>
        <select id="delivery-status" value={status} onChange={(e) => (setStatus(e.target.value), setOffset(0))}>
          <option value="">any</option>
          <option value="pending">pending</option>
          <option value="delivered">delivered</option>
          <option value="failed">failed</option>
        </select>
      </div>
      <Failure error={log.error ?? action.error} />
      {log.data && !log.data.items.length && <p>No deliveries here.</p>}
      {log.data && log.data.items.length > 0 && (
        <DataTable
          columns={['Event', 'Status', 'Attempts', 'Last answer', 'Created', '']}
          rows={log.data.items.map((d) => ({
            key: d.id,
            attributes: { 'data-delivery': d.id, 'data-event': d.event },
            cells: [
              d.event,
              <span className={`delivery-${d.status}`}>{d.status}</span>,
              d.attempt_count,
              lastAnswer(d),
              new Date(d.created_at).toLocaleString(),
              <button type="button" onClick={() => resend(d)} aria-label={`Resend ${d.event} of ${new Date(d.created_at).toLocaleString()}`}>
                Resend
              </button>,
            ],
          }))}
        />
      )}
      {log.data && <Pager offset={offset} size={PAGE_SIZE} total={log.data.total} onMove={setOffset} />}
    </Section>
  );
}
