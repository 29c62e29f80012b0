import { call } from '../api.ts';
import { holds } from '../rights.ts';
import { navigate } from '../router.ts';
import type { OfficeUser } from '../types.ts';

/** The pages, each with the scope its routes ask (none: every role reads it). */
const PAGES: { path: string; name: string; scope?: string }[] = [
  { path: '/', name: 'Settlements' },
  { path: '/reviews', name: 'Compliance review' },
  { path: '/instructions', name: 'Instructions' },
  { path: '/settings/webhooks', name: 'Webhooks', scope: 'platform:webhooks:manage' },
  { path: '/settings/clients', name: 'API clients', scope: 'admin' },
  { path: '/settings/users', name: 'Users', scope: 'admin' },
];

export function Header({ user, path, onLogout }: { user: OfficeUser; path: string; onLogout: () => void }) {
  // A session that has already ended (expired, user deactivated) is logged out all the same.
  const logout = () => void call('POST', '/office/api/logout').catch(() => undefined).finally(onLogout);
  const current = (p: string) => (p === '/' ? path === '/' || path.startsWith('/settlements') : path.startsWith(p));
  return (
    <header className="top">
      <a href="/office/" className="brand" onClick={(e) => (e.preventDefault(), navigate('/'))}>
        Lockstep Web Office
      </a>
      <nav aria-label="Pages">
        {PAGES.filter((p) => !p.scope || holds(user, p.scope)).map(({ path: p, name }) => (
          <a key={p} href={`/office${p}`} aria-current={current(p) ? 'page' : undefined} onClick={(e) => (e.preventDefault(), navigate(p))}>
            {name}
          </a>
        ))}
      </nav>
      <span className="who">
        {user.email} · {user.role} · {user.environment}
      </span>
      <button type="button" onClick={logout}>
        Log out
      </button>
    </header>
  );
}
