import type { RequestHandler } from 'express';
import type { Db, Models } from '../../db/client.ts';
import { tenantDb } from '../../db/tenant.ts';
import { forbidden, unauthorized, validationFailed } from '../errors.ts';
import { cookieValue, requireCsrf, SESSION_COOKIE, sessionUserOf } from '../office/session.ts';
import { endpointPermitted, ipAllowed } from '../../access/restrictions.ts';
import { scopesBeyond, type Scope } from '../../access/scopes.ts';
import { InvalidTokenError, type AuthContext, type TokenService } from './tokens.ts';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
    /** The caller's tenant view of the database (row-level security). */
    tenantDb?: Models;
  }
}

/** A client's access token; the only way in to the token's own routes (/oauth/revoke, refresh). */
export function authenticate(tokens: TokenService): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('Send an access token as "Authorization: Bearer <token>"; get one from POST /oauth/token');
    try {
      req.auth = await tokens.verify(match[1]!);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw unauthorized(err.message);
      throw err;
    }
    const from = req.socket.remoteAddress ?? '';
    if (req.auth.ipRanges.length && !ipAllowed(req.auth.ipRanges, from)) throw forbidden(`This client may not call from ${from}`);
    next();
  };
}

/**
 * /v1's callers: a client's access token, or, without an Authorization header, a Web Office
 * session cookie (api/office/session.ts). A person is a caller like a client: the scopes of
 * their role, in their platform environment, under row-level security, through the same
 * routes and checks; their actions are recorded as `user:<id>` (the activity log names the
 * user by id). A change from a cookie needs the session's CSRF token, checked here, before
 * any route runs.
 */
export function authenticateCaller(tokens: TokenService, db: Db): RequestHandler {
  const byToken = authenticate(tokens);
  return async (req, res, next) => {
    if (req.get('authorization') !== undefined || cookieValue(req.headers.cookie, SESSION_COOKIE) === undefined) return byToken(req, res, next);
    const user = await sessionUserOf(db, req);
    if (!user) throw unauthorized('The Web Office session has ended: log in again (POST /office/api/login)');
    const environment = await db.environment.findUnique({ where: { platformId_name: { platformId: user.platformId, name: user.environment } }, select: { active: true, apiVersion: true } });
    if (!environment?.active) throw unauthorized('The environment of this Web Office user is deactivated');
    req.officeUser = user;
    req.auth = {
      clientId: officeActor(user.id),
      platformId: user.platformId,
      environment: user.environment,
      scopes: [...user.scopes],
      // No token: nothing is registered under a jti, and a person cannot derive session tokens (api/routes/sessions.ts).
      jti: '',
      ipRanges: [],
      endpoints: [],
      wallets: [],
      settlementIds: null,
      session: null,
      apiVersion: environment.apiVersion,
    };
    requireCsrf(req, user);
    next();
  };
}

/** What a Web Office user's actions are recorded under where a client's id is kept (created_by, decided_by, actor). */
const officeActor = (userId: string) => `user:${userId}`;

/** A client limited to some endpoints may call only those (checked on /v1, not on its own token's routes). */
export const permittedEndpoint: RequestHandler = (req, _res, next) => {
  const auth = callerOf(req);
  const path = req.originalUrl.split('?')[0]!;
  if (auth.endpoints.length && !endpointPermitted(auth.endpoints, req.method, path)) throw forbidden(`This client may not call ${req.method} ${path}`);
  next();
};

/** Everything a route reads or writes for its caller goes through the caller's tenant view. */
export function tenantScope(db: Db): RequestHandler {
  return (req, _res, next) => {
    req.tenantDb = tenantDb(db, callerOf(req));
    next();
  };
}

export function tenantDbOf(req: { tenantDb?: Models }): Models {
  if (!req.tenantDb) throw unauthorized('Not authenticated');
  return req.tenantDb;
}

/** The token, or the Web Office user's role (api/office/session.ts), must hold one of `scopes`. */
export function requireScope(...scopes: [Scope, ...Scope[]]): RequestHandler {
  return (req, _res, next) => {
    const held = req.auth?.scopes ?? req.officeUser?.scopes;
    if (!held) throw unauthorized('Not authenticated');
    if (!scopes.some((s) => held.includes(s))) {
      throw forbidden(`${req.officeUser ? `The ${req.officeUser.role} role lacks` : 'This token lacks'} the ${scopes.map((s) => `"${s}"`).join(' or ')} scope`);
    }
    next();
  };
}

/** No escalation: a token hands out (to a new client or a session) at most the scopes it holds; 422 on `body.scopes` otherwise. */
export function requireGrantable(caller: AuthContext, scopes: readonly string[]): void {
  const extra = scopesBeyond(caller.scopes, scopes);
  if (extra.length) throw validationFailed([{ loc: ['body', 'scopes'], msg: `not held by this token: ${extra.join(', ')}`, type: 'value_error' }]);
}

/** The authenticated caller; routes behind `authenticate` can rely on it. */
export function callerOf(req: { auth?: AuthContext }): AuthContext {
  if (!req.auth) throw unauthorized('Not authenticated');
  return req.auth;
}
