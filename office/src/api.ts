// The pages' one way to the API: the same /v1 routes a platform's code calls, with the
// session cookie (the browser sends it) and, on a change, the session's CSRF token, which
// only this origin's script can read (docs/office.md).

import type { Session } from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let sessionEnded: () => void = () => {};

/**
 * What to do when the API says there is no session (401): it expired, was logged out elsewhere,
 * or its user was deactivated, which ends it at once. The page shows the login again.
 */
export function onSessionEnded(listener: () => void): void {
  sessionEnded = listener;
}

/** The session's CSRF token, from login or GET /office/api/me. */
export function rememberSession(session: Session | null): void {
  csrfToken = session?.csrf_token ?? null;
}

const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (res.status === 401 && path !== '/office/api/login') sessionEnded();
  if (!res.ok) throw new ApiError(res.status, textOf(parsed.code) ?? 'error', textOf(parsed.detail) ?? textOf(parsed.title) ?? res.statusText);
  return parsed as T;
}
