// Web Office users and their browser sessions. Logging in and looking up a session are
// authentication, done as the owner with every query naming the user; what an Administrator
// does to users runs as their tenant (the office_tenant_wall migration).

import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../access/scopes.ts';
import { lockedOut, LOCKOUT, mayTryWhere } from '../access/lockout.ts';
import { hashPassword, newPassword, passwordProblem } from '../access/passwords.ts';
import { isUniqueViolation, type Db, type Models } from './client.ts';
import { requireEnvironment } from './platforms.ts';
import { withTenant, type Tenant } from './tenant.ts';
import type { OfficeUser } from '../generated/prisma/client.ts';
import { LockstepError } from '../domain/errors.ts';

/** A malformed or already used email, or a password the policy refuses (the API answers 422 or 409 with it). */
export class InvalidUserSettings extends LockstepError {
  override readonly name = 'InvalidUserSettings';
  constructor(
    readonly field: 'email' | 'password',
    message: string,
    readonly taken = false,
  ) {
    super(message);
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewUser {
  user: OfficeUser;
  /** Set when Lockstep chose the first password: shown once, to whoever created the user. */
  password: string | null;
}

/** In an existing platform environment (TenantNotFound otherwise). */
export async function createOfficeUser(
  db: Models,
  input: { platform: string; environment: string; email: string; name: string; role: Role; password?: string; createdBy?: string },
): Promise<NewUser> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) throw new InvalidUserSettings('email', 'not an email address');
  const chosen = input.password ?? null;
  const password = chosen ?? newPassword();
  const problem = passwordProblem(password, email);
  if (problem) throw new InvalidUserSettings('password', problem);
  const { platform } = await requireEnvironment(db, input.platform, input.environment);
  try {
    const user = await db.officeUser.create({
      data: {
        platformId: platform.id,
        environment: input.environment,
        email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(password),
        createdBy: input.createdBy ?? null,
      },
    });
    return { user, password: chosen === null ? password : null };
  } catch (err) {
    if (isUniqueViolation(err)) throw new InvalidUserSettings('email', `a user with ${email} exists in this environment`, true);
    throw err;
  }
}

/** Deactivated and every session of the user ended, in one transaction as the tenant; null when no such user in `tenant`. */
export async function deactivateOfficeUser(db: Db, tenant: Tenant, id: string): Promise<OfficeUser | null> {
  return withTenant(db, tenant, async (tx) => {
    const { count } = await tx.officeUser.updateMany({ where: { id, ...tenant, active: true }, data: { active: false, deactivatedAt: new Date() } });
    if (count) await tx.officeSession.deleteMany({ where: { userId: id } });
    return tx.officeUser.findFirst({ where: { id, ...tenant } });
  });
}

/**
 * One login try of the user, taken before the password is checked (access/lockout.ts):
 * false when the user is locked out or every try is taken. A success gives them back.
 */
export async function takeLoginTry(db: Models, id: string): Promise<boolean> {
  const { count } = await db.officeUser.updateMany({ where: { id, ...mayTryWhere(new Date()) }, data: { failedLogins: { increment: 1 } } });
  return count === 1;
}

/** After a failed try: the user is locked out if that was the last one. */
export async function lockOutIfSpent(db: Models, id: string): Promise<void> {
  await db.officeUser.updateMany({ where: { id, failedLogins: { gte: LOCKOUT.failures } }, data: lockedOut(new Date()) });
}

export async function loginSucceeded(db: Models, id: string): Promise<void> {
  await db.officeUser.update({ where: { id }, data: { failedLogins: 0, lockedUntil: null } });
}

/** Only the digest is stored: the cookie's token cannot be read back from the table. */
const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export async function startOfficeSession(db: Models, userId: string, ip: string, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.officeSession.create({ data: { tokenHash: digest(token), userId, ip, expiresAt } });
  return { token, expiresAt };
}

/** The session's user, if the session is live and its user active: a deactivated user's cookie opens nothing, whatever is left in the table. */
export async function officeSessionUser(db: Models, token: string): Promise<{ user: OfficeUser; expiresAt: Date } | null> {
  const session = await db.officeSession.findUnique({ where: { tokenHash: digest(token) }, include: { user: true } });
  if (!session || session.expiresAt <= new Date() || !session.user.active) return null;
  return { user: session.user, expiresAt: session.expiresAt };
}

export async function endOfficeSession(db: Models, token: string): Promise<void> {
  await db.officeSession.deleteMany({ where: { tokenHash: digest(token) } });
}

/** After a password change: every session of the user but the one that changed it ends. */
export async function endOtherOfficeSessions(db: Models, userId: string, keptToken: string): Promise<void> {
  await db.officeSession.deleteMany({ where: { userId, tokenHash: { not: digest(keptToken) } } });
}

/** Expired sessions are forgotten (the API does it hourly); a lookup refuses them anyway. */
export async function pruneOfficeSessions(db: Models): Promise<void> {
  await db.officeSession.deleteMany({ where: { expiresAt: { lte: new Date() } } });
}
