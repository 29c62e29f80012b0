// Settings > Users (an Administrator's): the environment's Web Office users; a new Viewer,
// Manager or Administrator, with the password Lockstep chose shown once unless one was given;
// deactivation, which ends the user's sessions at once (/office/api/users…).

import { useState } from 'react';
import { call } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Failure } from '../components/Failure.tsx';
import { Field } from '../components/Field.tsx';
import { Pager } from '../components/Pager.tsx';
import { Section } from '../components/Section.tsx';
import { ShownOnce } from '../components/ShownOnce.tsx';
import { useAction, useForm } from '../useAction.ts';
import { useApi } from '../useApi.ts';
import type { OfficeUser, Page } from '../types.ts';

const PAGE_SIZE = 50;
const ROLES = ['viewer', 'manager', 'administrator'] as const;

function NewUser({ onCreated }: { onCreated: (u: { user: OfficeUser; password: string | null }) => void }) {
  const empty = { email: '', name: '', role: 'viewer', password: '' };
  const { form, setForm, set, submit, error } = useForm(empty, async (f) => {
    const { password, ...rest } = f;
    onCreated(await call('POST', '/office/api/users', password ? f : rest));
    setForm(empty);
  });
  return (
    <form className="stacked" onSubmit={submit}>
      <Field id="user-email" label="Email" type="email" value={form.email} onChange={set('email')} required autoComplete="off" />
      <Field id="user-name" label="Name" value={form.name} onChange={set('name')} required autoComplete="off" />
      <label htmlFor="user-role">Role</label>
      <select id="user-role" value={form.role} onChange={(e) => set('role')(e.target.value)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <Field id="user-password" label="Password (leave empty and Lockstep chooses one)" type="password" value={form.password} onChange={set('password')} autoComplete="new-password" minLength={12} />
      <Failure error={error} />
      <button type="submit">Create user</button>
    </form>
  );
}

export function UsersPage({ me }: { me: OfficeUser }) {
  const [offset, setOffset] = useState(0);
  const [changes, setChanges] = useState(0);
  const [created, setCreated] = useState<{ user: OfficeUser; password: string | null } | null>(null);
  const action = useAction();
  const { data, error } = useApi<Page<OfficeUser>>(`/office/api/users?limit=${PAGE_SIZE}&offset=${offset}`, { changes });
  const deactivate = (u: OfficeUser) => {
    if (!window.confirm(`Deactivate ${u.email}? Their sessions end at once and they cannot log in again.`)) return;
    void action.run(async () => {
      await call('POST', `/office/api/users/${u.id}/deactivate`);
      setChanges((c) => c + 1);
    });
  };
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <Section id="user-list" title={`Users of ${me.environment}`}>
        <Failure error={error ?? action.error} />
        {data && (
          <DataTable
            columns={['Email', 'Name', 'Role', 'Status', 'TOTP', 'Created', '']}
            rows={data.items.map((u) => ({
              key: u.id,
              attributes: { 'data-user': u.email },
              cells: [
                u.email,
                u.name,
                u.role,
                u.active ? 'active' : `deactivated ${new Date(u.deactivated_at!).toLocaleString()}`,
                u.totp_enabled ? 'yes' : 'no',
                new Date(u.created_at).toLocaleString(),
                u.active && u.id !== me.id && (
                  <button type="button" onClick={() => deactivate(u)} aria-label={`Deactivate ${u.email}`}>
                    Deactivate
                  </button>
                ),
              ],
            }))}
          />
        )}
        {data && <Pager offset={offset} size={PAGE_SIZE} total={data.total} onMove={setOffset} />}
      </Section>
      <Section id="new-user" title="Create a user">
        {created?.password && <ShownOnce label={`Password of ${created.user.email}`} secret={created.password} onDone={() => setCreated(null)} />}
        {created && !created.password && <p role="status">Created {created.user.email} with the password you gave.</p>}
        <NewUser onCreated={(u) => (setCreated(u), setChanges((c) => c + 1))} />
      </Section>
    </section>
  );
}
