// One webhook endpoint: change its URL, description and events; pause or resume it; send a
// test ping and see its outcome; rotate its signing secret (the new one shown once, the
// previous one signing too for a day); its delivery log with resend.

import { useState } from 'react';
import { call } from '../api.ts';
import { DeliveryLog } from '../components/DeliveryLog.tsx';
import { Failure } from '../components/Failure.tsx';
import { endpointBody, EndpointFields, type EndpointText } from '../components/EndpointFields.tsx';
import { Section } from '../components/Section.tsx';
import { ShownOnce } from '../components/ShownOnce.tsx';
import { useAction, useForm } from '../useAction.ts';
import { useApi } from '../useApi.ts';
import type { WebhookEndpoint, WebhookTestResult } from '../types.ts';

function EditEndpoint({ endpoint, onSaved }: { endpoint: WebhookEndpoint; onSaved: () => void }) {
  const [note, setNote] = useState<string | null>(null);
  const { form, set, submit, error } = useForm<EndpointText>({ url: endpoint.url, description: endpoint.description, events: endpoint.events.join(', ') }, async (f) => {
    setNote(null);
    await call('PATCH', `/v1/platforms/me/webhooks/${endpoint.id}`, endpointBody(f));
    setNote('Saved');
    onSaved();
  });
  return (
    <form className="stacked" onSubmit={submit}>
      <EndpointFields idPrefix="edit" form={form} set={set} />
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
  const action = useAction();
  const changed = () => setChanges((c) => c + 1);
  const act = (work: () => Promise<void>) => action.run(async () => (await work(), changed()));
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
        <Failure error={action.error} />
        {secret && <ShownOnce label={`New signing secret (the previous one also signs until ${new Date(secret.previousUntil).toLocaleString()})`} secret={secret.value} onDone={() => setSecret(null)} />}
      </Section>
      <Section id="edit-endpoint" title="Edit">
        <EditEndpoint endpoint={endpoint} onSaved={changed} />
      </Section>
      <DeliveryLog endpointId={id} changes={changes} />
    </article>
  );
}
