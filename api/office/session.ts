// The Web Office's browser session: an HttpOnly, SameSite=Strict cookie holding a random
// token (db/officeUsers.ts keeps its digest), and the middleware that turns it into the
// request's user, with the scopes of the user's role (access/scopes.ts), so routes check
// a person's rights with the same requireScope as a token's.

import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import type { Models } from '../../db/client.ts';
import { officeSessionUser } from '../../db/officeUsers.ts';
import { isRole, ROLE_SCOPES, type Role, type Scope } from '../../access/scopes.ts';
import { ApiError, unauthorized } from '../errors.ts';
import { CSRF_HEADER, csrfSatisfied } from './csrf.ts';

export const SESSION_COOKIE = 'lockstep_office';
/**
 * The whole origin: the pages call the API's own /v1 routes with it (api/auth/middleware.ts),
 * not copies of them under /office. SameSite=Strict and the CSRF header keep other sites out.
 */
const COOKIE_PATH = '/';

export interface OfficeUserContext {
  id: string;
  platformId: string;
  environment: string;
  email: string;
  role: Role;
  scopes: readonly Scope[];
  /** The cookie's token: what the CSRF token is derived from and what logout ends. */
  sessionToken: string;
  expiresAt: Date;
}

declare module 'express-serve-static-core' {
  interface Request {
    officeUser?: OfficeUserContext;
  }
}

export interface CookieSettings {
  /** Secure cookies even over plain HTTP to this process (TLS ends at a proxy in front: API_PUBLIC_URL is https). */
  secure: boolean;
}

/** Secure when the browser reached us over TLS, directly or through a proxy in front (settings.secure). */
export function sessionCookieOptions(settings: CookieSettings, secureRequest: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: settings.secure || secureRequest, path: COOKIE_PATH };
}

export function setSessionCookie(res: Response, settings: CookieSettings, token: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, token, { ...sessionCookieOptions(settings, res.req.secure), expires: expiresAt });
}

export function clearSessionCookie(res: Response, settings: CookieSettings): void {
  res.clearCookie(SESSION_COOKIE, sessionCookieOptions(settings, res.req.secure));
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The live session's user that the request's cookie names, with its role's scopes; null without one. */
export async function sessionUserOf(db: Models, req: Request): Promise<OfficeUserContext | null> {
  const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
  const found = token ? await officeSessionUser(db, token) : null;
  const role = found?.user.role ?? '';
  if (!token || !found || !isRole(role)) return null;
  const { user, expiresAt } = found;
  return { id: user.id, platformId: user.platformId, environment: user.environment, email: user.email, role, scopes: ROLE_SCOPES[role], sessionToken: token, expiresAt };
}

/** Anything but a read from a session needs its CSRF token: 403 before the route runs. */
export function requireCsrf(req: Request, user: OfficeUserContext): void {
  if (!csrfSatisfied(req.method, user.sessionToken, req.get(CSRF_HEADER))) {
    throw new ApiError(403, 'csrf_token_invalid', 'Not permitted', 'Send the csrf_token of GET /office/api/me in the X-CSRF-Token header');
  }
}

/** The session's user on req.officeUser, or 401; then, on anything but a read, its CSRF token or 403. */
export function officeSession(db: Models): RequestHandler {
  return async (req, _res, next) => {
    const user = await sessionUserOf(db, req);
    if (!user) throw unauthorized('Log in to the Web Office first: POST /office/api/login');
    req.officeUser = user;
    requireCsrf(req, user);
    next();
  };
}

export function officeUserOf(req: { officeUser?: OfficeUserContext }): OfficeUserContext {
  if (!req.officeUser) throw unauthorized('Not logged in');
  return req.officeUser;
}
