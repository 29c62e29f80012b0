// Settings > API clients (an Administrator's): the environment's M2M clients with their scopes
// and restrictions; a new one with some of the Administrator's scopes and restrictions, its
// secret shown once; restrictions changed, the secret rotated (shown once; the live tokens
// revoked too if asked), deactivated and reactivated (/v1/platforms/me/clients…). A client
// holding a scope the Administrator lacks (the deployment operator's) is theirs to manage only.

import { useState, type FormEvent } from 'react';
import { call } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Failure } from '../components/Failure.tsx';
import { Field } from '../components/Field.tsx';
import { Pager } from '../components/Pager.tsx';
import { NO_RESTRICTIONS, RestrictionFields, type RestrictionText } from '../components/RestrictionFields.tsx';
import { Section } from '../components/Section.tsx';
import { ShownOnce } from '../components/ShownOnce.tsx';
import { splitList } from '../lists.ts';
import { useAction } from '../useAction.ts';
import { useApi } from '../useApi.ts';
import type { ApiClient, OfficeUser, Page } from '../types.ts';

const PAGE_SIZE = 20;

const restrictionsOf = (r: RestrictionText) => ({ ip_ranges: splitList(r.ip_ranges), endpoints: splitList(r.endpoints), wallets: splitList(r.wallets) });
const textOf = (c: ApiClient): RestrictionText => ({ ip_ranges: c.ip_ranges.join(', '), endpoints: c.endpoints.join(', '), wallets: c.wallets.join(', ') });

function NewClient({ scopes, onCreated }: { scopes: string[]; onCreated: (c: ApiClient & { client_secret: string }) => void }) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [refresh, setRefresh] = useState(false);
  const [restrictions, setRestrictions] = useState(NO_RESTRICTIONS);
  const { error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(async () => {
      onCreated(await call('POST', '/v1/platforms/me/clients', { name, scopes: chosen, ...(refresh ? { refresh_policy: 'issettled' } : {}), ...restrictionsOf(restrictions) }));
      setName('');
      setChosen([]);
      setRestrictions(NO_RESTRICTIONS);
    });
  };
  const toggle = (scope: string) => setChosen(chosen.includes(scope) ? chosen.filter((s) => s !== scope) : [...chosen, scope]);
  return (
    <form className="stacked" onSubmit={submit}>
      <Field id="client-name" label="Name" value={name} onChange={setName} required />
      <fieldset>
        <legend>Scopes (at most your own)</legend>
        {scopes.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={chosen.includes(s)} onChange={() => toggle(s)} /> {s}
          </label>
        ))}
      </fieldset>
      <RestrictionFields idPrefix="new-client" value={restrictions} onChange={setRestrictions} />
      <label className="check">
        <input type="checkbox" checked={refresh} onChange={(e) => setRefresh(e.target.checked)} /> IsSettled's refresh policy (tokens live 15 minutes from their last refresh)
      </label>
      <Failure error={error} />
      <button type="submit">Create client</button>
    </form>
  );
}

function EditClient({ client, onDone }: { client: ApiClient; onDone: (secret?: string) => void }) {
  const [restrictions, setRestrictions] = useState(textOf(client));
  const [revokeTokens, setRevokeTokens] = useState(false);
  const action = useAction();
  const base = `/v1/platforms/me/clients/${encodeURIComponent(client.client_id)}`;
  const run = (work: () => Promise<string | undefined>) => () => action.run(async () => onDone(await work()));
  const save = run(async () => void (await call('PATCH', base, restrictionsOf(restrictions))));
  const rotate = run(async () => (await call<{ client_secret: string }>('POST', `${base}/rotate-secret`, { revoke_tokens: revokeTokens })).client_secret);
  const switchActive = run(async () => void (await call('PATCH', base, { active: !client.active })));
  return (
    <div className="stacked" data-editing={client.client_id}>
      <h3>{client.name}</h3>
      <RestrictionFields idPrefix="edit-client" value={restrictions} onChange={setRestrictions} />
      <div className="actions">
        <button type="button" onClick={save}>
          Save restrictions
        </button>
        <button type="button" onClick={switchActive}>
          {client.active ? 'Deactivate' : 'Reactivate'}
        </button>
        <button type="button" onClick={() => onDone()}>
          Close
        </button>
      </div>
      <label className="check">
        <input type="checkbox" checked={revokeTokens} onChange={(e) => setRevokeTokens(e.target.checked)} /> also revoke its live tokens (a leaked secret)
      </label>
      <div className="actions">
        <button type="button" onClick={rotate}>
          Rotate secret
        </button>
      </div>
      <Failure error={action.error} />
    </div>
  );
}

export function ClientsPage({ me }: { me: OfficeUser }) {
  const [offset, setOffset] = useState(0);
  const [changes, setChanges] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const { data, error } = useApi<Page<ApiClient>>(`/v1/platforms/me/clients?limit=${PAGE_SIZE}&offset=${offset}`, { changes });
  const changed = () => setChanges((c) => c + 1);
  const manageable = (c: ApiClient) => c.scopes.every((s) => me.scopes.includes(s));
  const current = data?.items.find((c) => c.client_id === editing);
  return (
    <section aria-labelledby="clients-title">
      <h1 id="clients-title">API clients</h1>
      <Section id="client-list" title="Clients">
        <Failure error={error} />
        {secret && <ShownOnce label={secret.label} secret={secret.value} onDone={() => setSecret(null)} />}
        {data && !data.items.length && <p>No clients in this environment.</p>}
        {data && data.items.length > 0 && (
          <DataTable
            columns={['Name', 'Client id', 'Scopes', 'Restrictions', 'Status', '']}
            rows={data.items.map((c) => ({
              key: c.client_id,
              attributes: { 'data-client': c.name },
              cells: [
                c.name,
                <code>{c.client_id}</code>,
                c.scopes.join(', '),
                [c.ip_ranges.length && `IP ${c.ip_ranges.join(', ')}`, c.endpoints.length && `endpoints ${c.endpoints.join(', ')}`, c.wallets.length && `wallets ${c.wallets.join(', ')}`].filter(Boolean).join('; ') ||
                  'none',
                c.active ? 'active' : 'deactivated',
                manageable(c) ? (
                  <button type="button" onClick={() => setEditing(c.client_id)} aria-label={`Manage ${c.name}`}>
                    Manage
                  </button>
                ) : (
                  'holds scopes beyond your role'
                ),
              ],
            }))}
          />
        )}
        {current && (
          <EditClient
            key={current.client_id}
            client={current}
            onDone={(rotated) => {
              if (rotated) setSecret({ label: `New secret of ${current.name} (${current.client_id})`, value: rotated });
              else setEditing(null);
              changed();
            }}
          />
        )}
        {data && <Pager offset={offset} size={PAGE_SIZE} total={data.total} onMove={setOffset} />}
      </Section>
      <Section id="new-client" title="Create a client">
        <NewClient
          scopes={me.scopes}
          onCreated={(c) => {
            setSecret({ label: `Secret of ${c.name} (client id ${c.client_id})`, value: c.client_secret });
            changed();
          }}
        />
      </Section>
    </section>
  );
}
