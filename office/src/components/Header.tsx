import { call } from '../api.ts';
import { holds } from '../rights.ts';
import { navigate } from '../router.ts';
import type { OfficeUser } from '../types.ts';

/** The pages a role may open: a settings page only for a role whose scopes its routes take. */
function pagesFor(user: OfficeUser): [path: string, name: string][] {
  return [
    ['/', 'Settlements'],
    ['/reviews', 'Compliance review'],
    ...(holds(user, 'platform:webhooks:manage') ? [['/settings/webhooks', 'Webhooks'] as [string, string]] : []),
  ];
}

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
        {pagesFor(user).map(([p, name]) => (
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
