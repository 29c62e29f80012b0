// Settings > Webhooks: the environment's endpoints, and a new one with its signing secret
// shown once (POST /v1/platforms/me/webhooks). Each endpoint's own page edits, pauses, tests,
// rotates and shows its delivery log.

import { useState } from 'react';
import { call } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Failure } from '../components/Failure.tsx';
import { endpointBody, EndpointFields, type EndpointText } from '../components/EndpointFields.tsx';
import { Pager } from '../components/Pager.tsx';
import { Section } from '../components/Section.tsx';
import { ShownOnce } from '../components/ShownOnce.tsx';
import { navigate } from '../router.ts';
import { useForm } from '../useAction.ts';
import { useApi } from '../useApi.ts';
import type { Page, WebhookEndpoint } from '../types.ts';

const PAGE_SIZE = 20;

function NewEndpoint({ onCreated }: { onCreated: (e: WebhookEndpoint & { secret: string }) => void }) {
  const empty: EndpointText = { url: '', description: '', events: '*' };
  const { form, setForm, set, submit, error } = useForm(empty, async (f) => {
    onCreated(await call('POST', '/v1/platforms/me/webhooks', endpointBody(f)));
    setForm(empty);
  });
  return (
    <form className="stacked" onSubmit={submit}>
      <EndpointFields idPrefix="webhook" form={form} set={set} />
      <Failure error={error} />
      <button type="submit">Add endpoint</button>
    </form>
  );
}

export function WebhooksPage() {
  const [offset, setOffset] = useState(0);
  const [created, setCreated] = useState<(WebhookEndpoint & { secret: string }) | null>(null);
  const { data, error, reload } = useApi<Page<WebhookEndpoint>>(`/v1/platforms/me/webhooks?limit=${PAGE_SIZE}&offset=${offset}`);
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <Section id="endpoints" title="Endpoints">
        <Failure error={error} />
        {data && !data.items.length && <p>No endpoints yet: events reach no URL of this environment.</p>}
        {data && data.items.length > 0 && (
          <DataTable
            columns={['URL', 'Description', 'Events', 'Status']}
            rows={data.items.map((w) => ({
              key: w.id,
              attributes: { 'data-webhook': w.id },
              cells: [
                <a href={`/office/settings/webhooks/${w.id}`} onClick={(e) => (e.preventDefault(), navigate(`/settings/webhooks/${w.id}`))}>
                  <code>{w.url}</code>
                </a>,
                w.description || '—',
                w.events.join(', '),
                `${w.status}${w.consecutive_failures ? ` (${w.consecutive_failures} failures in a row)` : ''}`,
              ],
            }))}
          />
        )}
        {data && <Pager offset={offset} size={PAGE_SIZE} total={data.total} onMove={setOffset} />}
      </Section>
      <Section id="new-endpoint" title="Add an endpoint">
        {created && <ShownOnce label={`Signing secret of ${created.url}`} secret={created.secret} onDone={() => setCreated(null)} />}
        <NewEndpoint onCreated={(e) => (setCreated(e), reload())} />
      </Section>
    </section>
  );
}
