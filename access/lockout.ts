// Lock-out: after LOCKOUT.failures failed logins in a row (a wrong password or a wrong second
// factor), the user cannot log in for LOCKOUT.minutes, whatever they send; then they get as many
// tries again. A try is taken from the user's row before the password is checked, in one
// conditional update (db/officeUsers.ts takeLoginTry), so however many logins arrive at once, on
// however many API processes, at most LOCKOUT.failures passwords are checked per lock-out.

export const LOCKOUT = { failures: 5, minutes: 15 } as const;

export interface LoginCounters {
  failedLogins: number;
  lockedUntil: Date | null;
}

/** The rows that may take another try at `now`: fewer failures in a row than the limit, and no lock-out running. */
export function mayTryWhere(now: Date) {
  return { failedLogins: { lt: LOCKOUT.failures }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] };
}

/** What a user's row becomes when its tries are spent: locked, and the count started afresh for afterwards. */
export function lockedOut(now: Date): LoginCounters {
  return { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.minutes * 60_000) };
}

/** Seconds until a lock-out ends, for Retry-After; a full lock-out while its last tries are still being checked. */
export function secondsLocked(lockedUntil: Date | null, now: Date): number {
  if (!lockedUntil || lockedUntil <= now) return LOCKOUT.minutes * 60;
  return Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000);
}
