// CSRF protection for the Web Office: every state-changing request carries, in the
// X-CSRF-Token header, a token derived from its session. A cross-site page can make the
// browser send the cookie (SameSite=Strict already stops that in current browsers; this is
// the second wall), but it cannot read the token, which the API gives only to same-origin
// script (from login and GET /office/api/me). Derived, not stored: an HMAC keyed with the
// session's own secret token, so it changes with each session and needs no column.

import { createHmac, timingSafeEqual } from 'node:crypto';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('lockstep-office-csrf').digest('base64url');
}

/** A request that changes nothing needs no token; any other needs its session's. */
export function csrfSatisfied(method: string, sessionToken: string, header: string | undefined): boolean {
  if (SAFE_METHODS.has(method)) return true;
  if (!header) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
