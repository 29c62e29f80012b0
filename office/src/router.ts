// Two pages need no router library: the path under /office says which, and the History API
// moves between them without a reload.

import { useEffect, useState } from 'react';

const BASE = '/office';

export function navigate(path: string): void {
  window.history.pushState(null, '', `${BASE}${path}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The path under /office, e.g. "/settlements/…"; follows back and forward. */
export function usePath(): string {
  const [path, setPath] = useState(() => window.location.pathname.slice(BASE.length) || '/');
  useEffect(() => {
    const follow = () => setPath(window.location.pathname.slice(BASE.length) || '/');
    window.addEventListener('popstate', follow);
    return () => window.removeEventListener('popstate', follow);
  }, []);
  return path;
}
