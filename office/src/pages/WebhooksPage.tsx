// Settings > Webhooks: the environment's endpoints, and a new one with its signing secret
// shown once (POST /v1/platforms/me/webhooks). Each endpoint's own page edits, pauses, tests,
// rotates and shows its delivery log.

import { useState, type FormEvent } from 'react';
import { call } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Failure } from '../components/Failure.tsx';
import { Field } from '../components/Field.tsx';
import { Pager } from '../components/Pager.tsx';
import { Section } from '../components/Section.tsx';
import { ShownOnce } from '../components/ShownOnce.tsx';
import { splitList } from '../lists.ts';
import { navigate } from '../router.ts';
import { errorText, useApi } from '../useApi.ts';
import type { Page, WebhookEndpoint } from '../types.ts';

const PAGE_SIZE = 20;

function NewEndpoint({ onCreated }: { onCreated: (e: WebhookEndpoint & { secret: string }) => void }) {
  const [form, setForm] = useState({ url: '', description: '', events: '*' });
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (v: string) => setForm({ ...form, [key]: v });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onCreated(await call('POST', '/v1/platforms/me/webhooks', { url: form.url, description: form.description, events: splitList(form.events) }));
      setForm({ url: '', description: '', events: '*' });
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="stacked" onSubmit={submit}>
      <Field id="webhook-url" label="Endpoint URL" type="url" value={form.url} onChange={set('url')} required />
      <Field id="webhook-description" label="Description" value={form.description} onChange={set('description')} />
      <Field id="webhook-events" label="Events (comma-separated, e.g. * or settlement.state.*)" value={form.events} onChange={set('events')} required />
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
