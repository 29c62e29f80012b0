// A page's read of one /v1 route: its answer, or what failed, read again on reload(), when
// `changes` (a count of changes made elsewhere on the page) moves, and, when asked, every few
// seconds while the page is open.

import { useCallback, useEffect, useState } from 'react';
import { call } from './api.ts';

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function useApi<T>(path: string, { pollMs, changes = 0 }: { pollMs?: number; changes?: number } = {}): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let stopped = false;
    const read = () =>
      call<T>('GET', path).then(
        (d) => !stopped && (setData(d), setError(null)),
        (err: unknown) => !stopped && setError(errorText(err)),
      );
    void read();
    const timer = pollMs ? window.setInterval(() => void read(), pollMs) : undefined;
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [path, pollMs, version, changes]);

  return { data, error, reload };
}
