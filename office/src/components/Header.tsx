import { call } from '../api.ts';
import { navigate } from '../router.ts';
import type { OfficeUser } from '../types.ts';

export function Header({ user, onLogout }: { user: OfficeUser; onLogout: () => void }) {
  // A session that has already ended (expired, user deactivated) is logged out all the same.
  const logout = () => void call('POST', '/office/api/logout').catch(() => undefined).finally(onLogout);
  return (
    <header className="top">
      <a href="/office/" className="brand" onClick={(e) => (e.preventDefault(), navigate('/'))}>
        Lockstep Web Office
      </a>
      <span className="who">
        {user.email} · {user.role} · {user.environment}
      </span>
      <button type="button" onClick={logout}>
        Log out
      </button>
    </header>
  );
}
