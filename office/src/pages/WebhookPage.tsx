// One webhook endpoint: change its URL, description and events; pause or resume it; send a
// test ping and see its outcome; rotate its signing secret (the new one shown once, the
// previous one signing too for a day); its delivery log with resend.

import { useState, type FormEvent } from 'react';
import { call } from '../api.ts';
import { DeliveryLog } from '../components/DeliveryLog.tsx';
import { Failure } from '../components/Failure.tsx';
import { Field } from '../components/Field.tsx';
import { Section } from '../components/Section.tsx';
import { ShownOnce } from '../components/ShownOnce.tsx';
import { splitList } from '../lists.ts';
import { errorText, useApi } from '../useApi.ts';
import type { WebhookEndpoint, WebhookTestResult } from '../types.ts';

function EditEndpoint({ endpoint, onSaved }: { endpoint: WebhookEndpoint; onSaved: () => void }) {
  const [form, setForm] = useState({ url: endpoint.url, description: endpoint.description, events: endpoint.events.join(', ') });
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (v: string) => setForm({ ...form, [key]: v });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNote(null);
    try {
      await call('PATCH', `/v1/platforms/me/webhooks/${endpoint.id}`, { url: form.url, description: form.description, events: splitList(form.events) });
      setNote('Saved');
      onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="stacked" onSubmit={submit}>
      <Field id="edit-url" label="Endpoint URL" type="url" value={form.url} onChange={set('url')} required />
      <Field id="edit-description" label="Description" value={form.description} onChange={set('description')} />
      <Field id="edit-events" label="Events (comma-separated)" value={form.events} onChange={set('events')} required />
      <Failure error={error} />
      <button type="submit">Save changes</button>
      <p role="status">{note}</p>
    </form>
  );
}

const outcome = (r: WebhookTestResult) =>
  r.success ? `Delivered: HTTP ${r.status_code} in ${r.duration_ms} ms` : `Not delivered: ${r.error ?? (r.status_code !== null ? `HTTP ${r.status_code}` : 'no answer')} (retried like any delivery)`;

export function WebhookPage({ id }: { id: string }) {
  const [changes, setChanges] = useState(0);
  const { data: endpoint, error } = useApi<WebhookEndpoint>(`/v1/platforms/me/webhooks/${id}`, { changes });
  const [result, setResult] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ value: string; previousUntil: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const changed = () => setChanges((c) => c + 1);
  const act = async (work: () => Promise<void>) => {
    setFailure(null);
    try {
      await work();
      changed();
    } catch (err) {
      setFailure(errorText(err));
    }
  };
  const base = `/v1/platforms/me/webhooks/${id}`;
  const pause = (paused: boolean) => act(async () => void (await call('PATCH', base, { status: paused ? 'paused' : 'active' })));
  const ping = () =>
    act(async () => {
      setResult('Sending a test ping…');
      setResult(outcome(await call<WebhookTestResult>('POST', `${base}/test`)));
    });
  const rotate = () =>
    act(async () => {
      const rotated = await call<{ new_secret: string; previous_secret_valid_until: string }>('POST', `${base}/rotate-secret`);
      setSecret({ value: rotated.new_secret, previousUntil: rotated.previous_secret_valid_until });
    });

  if (!endpoint) return error ? <Failure error={error} /> : <p className="loading">Loading…</p>;
  return (
    <article aria-labelledby="webhook-title">
      <h1 id="webhook-title">Webhook endpoint {endpoint.url}</h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="webhook-status">{endpoint.status}</dd>
        <dt>Failures in a row</dt>
        <dd>{endpoint.consecutive_failures}</dd>
        <dt>Created</dt>
        <dd>{new Date(endpoint.created_at).toLocaleString()}</dd>
        {endpoint.previous_secret_valid_until && new Date(endpoint.previous_secret_valid_until) > new Date() && (
          <>
            <dt>Previous secret</dt>
            <dd>also signs until {new Date(endpoint.previous_secret_valid_until).toLocaleString()}</dd>
          </>
        )}
      </dl>
      <Section id="endpoint-actions" title="Actions">
        <div className="actions">
          <button type="button" onClick={ping}>
            Send test ping
          </button>
          <button type="button" onClick={() => pause(endpoint.status !== 'paused')}>
            {endpoint.status === 'paused' ? 'Resume' : 'Pause'}
          </button>
          <button type="button" onClick={rotate}>
            Rotate secret
          </button>
        </div>
        <p role="status" data-testid="ping-result">
          {result}
        </p>
        <Failure error={failure} />
        {secret && <ShownOnce label={`New signing secret (the previous one also signs until ${new Date(secret.previousUntil).toLocaleString()})`} secret={secret.value} onDone={() => setSecret(null)} />}
      </Section>
      <Section id="edit-endpoint" title="Edit">
        <EditEndpoint endpoint={endpoint} onSaved={changed} />
      </Section>
      <DeliveryLog endpointId={id} changes={changes} />
    </article>
  );
}
