// The session decides the page: none, the login; one, the page the path names (the list when it names none).

import { useEffect, useState } from 'react';
import { ApiError, call, onSessionEnded, rememberSession } from './api.ts';
import { Header } from './components/Header.tsx';
import { ClientsPage } from './pages/ClientsPage.tsx';
import { InstructionsPage } from './pages/InstructionsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { ReviewsPage } from './pages/ReviewsPage.tsx';
import { WebhookPage } from './pages/WebhookPage.tsx';
import { WebhooksPage } from './pages/WebhooksPage.tsx';
import { holds } from './rights.ts';
import { SettlementPage } from './pages/SettlementPage.tsx';
import { SettlementsPage } from './pages/SettlementsPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { usePath } from './router.ts';
import type { OfficeUser, Session } from './types.ts';

export function App() {
  // undefined: not asked yet; null: no session.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  // A session that ended while a page was open (not the first visit's none).
  const [ended, setEnded] = useState(false);
  const path = usePath();

  const signedIn = (s: Session | null) => {
    rememberSession(s);
    setSession(s);
    onSessionEnded(s ? () => (setEnded(true), signedIn(null)) : () => {});
  };

  useEffect(() => {
    call<Session>('GET', '/office/api/me').then(signedIn, (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) signedIn(null);
      else setFailure(err instanceof Error ? err.message : String(err));
    });
  }, []);

  if (failure) return <p role="alert" className="error">The Web Office cannot reach the API: {failure}</p>;
  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null) return <LoginPage onLogin={(s) => (setEnded(false), signedIn(s))} notice={ended ? 'Your session has ended: log in again.' : null} />;
  return (
    <>
      <Header user={session.user} path={path} onLogout={() => signedIn(null)} />
      <main>{pageFor(path, session.user)}</main>
    </>
  );
}

function pageFor(path: string, user: OfficeUser) {
  const detail = /^\/settlements\/([0-9a-f-]{36})$/.exec(path);
  if (detail) return <SettlementPage id={detail[1]!} user={user} />;
  if (path === '/reviews') return <ReviewsPage user={user} />;
  if (path === '/instructions') return <InstructionsPage user={user} />;
  const webhook = /^\/settings\/webhooks\/([0-9a-f-]{36})$/.exec(path);
  if (webhook) return <WebhookPage id={webhook[1]!} />;
  if (path === '/settings/webhooks' && holds(user, 'platform:webhooks:manage')) return <WebhooksPage />;
  if (path === '/settings/users' && holds(user, 'admin')) return <UsersPage me={user} />;
  if (path === '/settings/clients' && holds(user, 'admin')) return <ClientsPage me={user} />;
  return <SettlementsPage />;
}
