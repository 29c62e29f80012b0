// Login: platform, environment, email and password, and the TOTP code once the API asks for it.

import { useState, type FormEvent } from 'react';
import { ApiError, call } from '../api.ts';
import type { Session } from '../types.ts';

export function LoginPage({ onLogin, notice }: { onLogin: (s: Session) => void; notice: string | null }) {
  const [form, setForm] = useState({ platform: '', environment: 'sandbox', email: '', password: '', totp_code: '' });
  const [askTotp, setAskTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = (name: keyof typeof form) => ({ name, id: name, value: form[name], onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }) });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const { totp_code, ...rest } = form;
    try {
      onLogin(await call<Session>('POST', '/office/api/login', askTotp ? { ...rest, totp_code } : rest));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_required') setAskTotp(true);
      else setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <main className="login">
      <h1>Lockstep Web Office</h1>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="platform">Platform</label>
        <input {...field('platform')} required autoComplete="organization" />
        <label htmlFor="environment">Environment</label>
        <input {...field('environment')} required />
        <label htmlFor="email">Email</label>
        <input {...field('email')} type="email" required autoComplete="username" />
        <label htmlFor="password">Password</label>
        <input {...field('password')} type="password" required autoComplete="current-password" />
        {askTotp && (
          <>
            <label htmlFor="totp_code">Code from your authenticator app</label>
            <input {...field('totp_code')} inputMode="numeric" pattern="[0-9]{6}" required autoComplete="one-time-code" autoFocus />
          </>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">Log in</button>
      </form>
    </main>
  );
}
