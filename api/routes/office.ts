// The Web Office's API under /office/api (docs/office.md): login with a password and an
// optional TOTP code, the browser session, the Administrator's user management, and the
// server-sent events that keep a settlement's detail page current. Logging
// in and a user's own credentials are authentication, done as the owner; user management is
// done in the Administrator's tenant view (db/tenant.ts), as every tenant route's work is. The
// browser's own API, not the platforms': same origin, a session cookie instead of a token,
// so it is not in /openapi.json. Every change needs the session's CSRF token.

import { Router, type RequestHandler, type Response } from 'express';
import type { Db } from '../../db/client.ts';
import {
  createOfficeUser,
  deactivateOfficeUser,
  endOfficeSession,
  endOtherOfficeSessions,
  InvalidUserSettings,
  lockOutIfSpent,
  loginSucceeded,
  startOfficeSession,
  takeLoginTry,
} from '../../db/officeUsers.ts';
import { findPlatform } from '../../db/platforms.ts';
import { tenantDb } from '../../db/tenant.ts';
import { openSecret, sealSecret } from '../../db/secretBox.ts';
import { isUuid } from '../../domain/ids.ts';
import type { OfficeUser } from '../../generated/prisma/client.ts';
import type { KnownUser } from '../activityLog.ts';
import { requireScope } from '../auth/middleware.ts';
import { isRole, ROLE_SCOPES } from '../../access/scopes.ts';
import { hashSecret, PASSWORD_COST, verifySecret } from '../../access/secrets.ts';
import { ApiError, conflict, notFound, unsupportedMediaType, validationFailed, type ErrorContext } from '../errors.ts';
import { csrfTokenFor } from '../office/csrf.ts';
import { LOCKOUT, secondsLocked } from '../../access/lockout.ts';
import { hashPassword, passwordProblem } from '../../access/passwords.ts';
import { LoginLimit } from '../office/loginLimit.ts';
import { clearSessionCookie, officeSession, officeUserOf, setSessionCookie, type CookieSettings } from '../office/session.ts';
import { SettlementWatch } from '../office/settlementWatch.ts';
import { acceptTotp, newTotpSecret, otpauthUri } from '../office/totp.ts';
import { requireSettlement } from '../settlements/present.ts';
import { officeCreateUserSchema, officeLoginSchema, officePasswordChangeSchema, officeTotpConfirmSchema, pageQuery } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import { page, presentPage } from '../../db/page.ts';

export interface OfficeDeps {
  db: Db;
  /** SECRETS_KEY: seals TOTP secrets, which must be read again to check a code. */
  secretsKey: Buffer;
  office: CookieSettings & { sessionTtlMs: number; loginsPerIpPerMinute: number };
  errors: Pick<ErrorContext, 'log'>;
}

const PREFIX = '/office/api';

/** How often the open detail pages' settlements are read for a new transition. */
const WATCH_MS = 500;
/**
 * A stream ends after this long and the browser's EventSource opens the next at once: each
 * opening checks the session again, so a stream outlives its session (logged out, deactivated)
 * by this at most, and tells nothing but a sequence number meanwhile.
 */
const STREAM_MS = 30_000;

/** Compared against when the email is unknown, so that an unknown user takes as long as a wrong password. */
const DUMMY_HASH = hashSecret('not-a-password', PASSWORD_COST);

const invalidCredentials = () => new ApiError(401, 'invalid_credentials', 'Not authenticated', 'Wrong email or password');

/**
 * Bodies in JSON only: a cross-site HTML form can post only form encodings and plain text, so
 * a login (which has no CSRF token yet) cannot be forged from another site's page.
 */
const jsonOnly: RequestHandler = (req, res, next) => {
  const hasContent = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasContent && !req.is('application/json')) throw unsupportedMediaType();
  res.set('Cache-Control', 'no-store');
  next();
};

function userView(user: OfficeUser) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    scopes: isRole(user.role) ? ROLE_SCOPES[user.role] : [],
    platform_id: user.platformId,
    environment: user.environment,
    active: user.active,
    totp_enabled: user.totpConfirmedAt !== null,
    created_at: user.createdAt.toISOString(),
    deactivated_at: user.deactivatedAt?.toISOString() ?? null,
  };
}

function userSettingsError(err: unknown): never {
  if (err instanceof InvalidUserSettings) {
    if (err.taken) throw conflict('email_taken', err.message);
    throw validationFailed([{ loc: ['body', err.field], msg: err.message, type: 'value_error' }]);
  }
  throw err;
}

export function officeRoutes(deps: OfficeDeps): Router {
  const { db } = deps;
  const router = Router();
  router.use(PREFIX, jsonOnly);
  const loginLimit = new LoginLimit(deps.office.loginsPerIpPerMinute);

  /** A try for a known user, or 423 while they are locked out: no password of theirs is checked then. */
  async function takeTry(user: OfficeUser, res: Response): Promise<void> {
    if (await takeLoginTry(db, user.id)) return;
    const { lockedUntil } = await db.officeUser.findUniqueOrThrow({ where: { id: user.id }, select: { lockedUntil: true } });
    const seconds = secondsLocked(lockedUntil, new Date());
    res.set('Retry-After', String(seconds));
    throw new ApiError(423, 'account_locked', 'Locked', `Too many failed logins (${LOCKOUT.failures}); try again in ${Math.ceil(seconds / 60)} minutes`);
  }

  router.post(`${PREFIX}/login`, async (req, res) => {
    // Before anything is looked up: a sprayer's extra tries cost no password check.
    const wait = loginLimit.take(req.socket.remoteAddress ?? '');
    if (wait) {
      res.set('Retry-After', String(wait));
      throw new ApiError(429, 'too_many_logins', 'Too many requests', `Too many logins from this address; try again in ${wait} s`);
    }
    const body = parseOr422(officeLoginSchema, req.body ?? {}, 'body');
    const platform = await findPlatform(db, body.platform);
    const user = platform
      ? await db.officeUser.findUnique({ where: { platformId_environment_email: { platformId: platform.id, environment: body.environment, email: body.email.trim().toLowerCase() } } })
      : null;
    if (user) res.locals.user = { id: user.id, platformId: user.platformId, environment: user.environment } satisfies KnownUser;
    // Taken before the password is looked at: while locked, a right guess and a wrong one look the same.
    if (user?.active) await takeTry(user, res);
    const passwordOk = await verifySecret(body.password, user?.passwordHash ?? (await DUMMY_HASH));
    if (!user || !user.active || !passwordOk) {
      if (user?.active) await lockOutIfSpent(db, user.id);
      throw invalidCredentials();
    }
    if (user.totpSecretSealed && user.totpConfirmedAt) {
      if (!body.totp_code) throw new ApiError(401, 'totp_required', 'Not authenticated', 'This user logs in with a TOTP code too: send totp_code');
      const step = acceptTotp(openSecret(deps.secretsKey, user.totpSecretSealed), body.totp_code, Date.now() / 1000, user.totpLastStep);
      // The step is taken in one conditional update, so two logins racing with one code cannot both pass.
      const taken = step !== null && (await db.officeUser.updateMany({ where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } })).count === 1;
      if (!taken) {
        await lockOutIfSpent(db, user.id);
        throw new ApiError(401, 'totp_invalid', 'Not authenticated', 'Wrong or already used TOTP code');
      }
    }
    await loginSucceeded(db, user.id);
    const session = await startOfficeSession(db, user.id, req.socket.remoteAddress ?? '', deps.office.sessionTtlMs);
    setSessionCookie(res, deps.office, session.token, session.expiresAt);
    res.json({ user: userView(user), csrf_token: csrfTokenFor(session.token), expires_at: session.expiresAt.toISOString() });
  });

  // Everything below needs a live session, and a change its CSRF token.
  router.use(PREFIX, officeSession(db));

  const currentUser = async (id: string) => db.officeUser.findUniqueOrThrow({ where: { id } });

  router.get(`${PREFIX}/me`, async (req, res) => {
    const me = officeUserOf(req);
    res.json({ user: userView(await currentUser(me.id)), csrf_token: csrfTokenFor(me.sessionToken), expires_at: me.expiresAt.toISOString() });
  });

  router.post(`${PREFIX}/logout`, async (req, res) => {
    await endOfficeSession(db, officeUserOf(req).sessionToken);
    clearSessionCookie(res, deps.office);
    res.status(204).end();
  });

  router.post(`${PREFIX}/me/password`, async (req, res) => {
    const me = officeUserOf(req);
    const body = parseOr422(officePasswordChangeSchema, req.body ?? {}, 'body');
    const user = await currentUser(me.id);
    await takeTry(user, res);
    if (!(await verifySecret(body.current_password, user.passwordHash))) {
      await lockOutIfSpent(db, user.id);
      throw validationFailed([{ loc: ['body', 'current_password'], msg: 'is not the current password', type: 'value_error' }]);
    }
    await loginSucceeded(db, user.id);
    const problem = passwordProblem(body.new_password, user.email);
    if (problem) throw validationFailed([{ loc: ['body', 'new_password'], msg: problem, type: 'value_error' }]);
    await db.officeUser.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(body.new_password) } });
    // Whoever knew the old password loses the sessions it opened.
    await endOtherOfficeSessions(db, user.id, me.sessionToken);
    res.status(204).end();
  });

  // TOTP enrolment: a secret first, then a code from the app proves it was stored; only then does login ask for codes.
  router.post(`${PREFIX}/me/totp`, async (req, res) => {
    const me = officeUserOf(req);
    const user = await currentUser(me.id);
    if (user.totpConfirmedAt) throw conflict('totp_enrolled', 'This user already logs in with a TOTP code');
    const secret = newTotpSecret();
    await db.officeUser.update({ where: { id: user.id }, data: { totpSecretSealed: sealSecret(deps.secretsKey, secret), totpLastStep: null } });
    const platform = await db.platform.findUniqueOrThrow({ where: { id: user.platformId } });
    res.status(201).json({ secret, otpauth_uri: otpauthUri(secret, `Lockstep ${platform.name} ${user.environment}`, user.email) });
  });

  router.post(`${PREFIX}/me/totp/confirm`, async (req, res) => {
    const me = officeUserOf(req);
    const body = parseOr422(officeTotpConfirmSchema, req.body ?? {}, 'body');
    const user = await currentUser(me.id);
    if (user.totpConfirmedAt) throw conflict('totp_enrolled', 'This user already logs in with a TOTP code');
    if (!user.totpSecretSealed) throw conflict('totp_not_started', 'Start with POST /office/api/me/totp');
    const step = acceptTotp(openSecret(deps.secretsKey, user.totpSecretSealed), body.code, Date.now() / 1000, null);
    if (step === null) throw validationFailed([{ loc: ['body', 'code'], msg: 'is not the current code of this secret', type: 'value_error' }]);
    const updated = await db.officeUser.update({ where: { id: user.id }, data: { totpConfirmedAt: new Date(), totpLastStep: step } });
    res.json({ user: userView(updated) });
  });

  const watch = new SettlementWatch(
    async (ids) => {
      const latest = await db.settlementEvent.groupBy({ by: ['settlementId'], where: { settlementId: { in: ids } }, _max: { sequence: true } });
      return new Map(latest.map((g) => [g.settlementId, g._max.sequence ?? 0]));
    },
    WATCH_MS,
    deps.errors.log,
  );

  // Server-sent events for a settlement's detail page: `change` with the latest sequence of its
  // trail, at once and after each transition; the page then reads what changed through /v1.
  // EventSource sends cookies, never an Authorization header: this is the browser's route.
  router.get(`${PREFIX}/settlements/:id/stream`, requireScope('settlements:read'), async (req, res) => {
    const me = officeUserOf(req);
    const settlement = await requireSettlement(db, { platformId: me.platformId, environment: me.environment }, String(req.params.id));
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    // The browser reconnects a second after a stream ends, sending the last sequence it was told.
    let sent = Number(req.get('last-event-id') ?? -1);
    res.write('retry: 1000\n\n');
    const stop = watch.watch(settlement.id, (sequence) => {
      if (sequence === sent) return;
      sent = sequence;
      res.write(`id: ${sequence}\nevent: change\ndata: ${JSON.stringify({ sequence })}\n\n`);
    });
    const end = setTimeout(() => res.end(), STREAM_MS);
    res.on('close', () => {
      stop();
      clearTimeout(end);
    });
  });

  router.get(`${PREFIX}/users`, requireScope('admin'), async (req, res) => {
    const me = officeUserOf(req);
    const q = parseOr422(pageQuery, req.query, 'query');
    const where = { platformId: me.platformId, environment: me.environment };
    const tenant = tenantDb(db, where);
    const users = await page(q, (slice) => tenant.officeUser.findMany({ where, orderBy: { createdAt: 'asc' }, ...slice }), () => tenant.officeUser.count({ where }));
    res.json(presentPage(users, userView));
  });

  router.post(`${PREFIX}/users`, requireScope('admin'), async (req, res) => {
    const me = officeUserOf(req);
    const body = parseOr422(officeCreateUserSchema, req.body ?? {}, 'body');
    const created = await createOfficeUser(tenantDb(db, me), { platform: me.platformId, environment: me.environment, ...body, createdBy: me.id }).catch(userSettingsError);
    res.status(201).json({ user: userView(created.user), password: created.password });
  });

  router.post(`${PREFIX}/users/:id/deactivate`, requireScope('admin'), async (req, res) => {
    const me = officeUserOf(req);
    const id = String(req.params.id).toLowerCase();
    if (id === me.id) throw conflict('own_user', 'An administrator cannot deactivate their own user');
    const user = isUuid(id) ? await deactivateOfficeUser(db, { platformId: me.platformId, environment: me.environment }, id) : null;
    if (!user) throw notFound(`User ${id}`);
    res.json({ user: userView(user) });
  });

  return router;
}
