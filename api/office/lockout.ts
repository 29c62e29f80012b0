// Lock-out: after LOCKOUT.failures failed logins in a row (a wrong password or a wrong second
// factor), the user cannot log in for LOCKOUT.minutes, whatever they send; then they get as many
// tries again. Counted in the database, so every API process counts against the same limit.

export const LOCKOUT = { failures: 5, minutes: 15 } as const;

export interface LoginCounters {
  failedLogins: number;
  lockedUntil: Date | null;
}

export function lockedAt(counters: Pick<LoginCounters, 'lockedUntil'>, now: Date): boolean {
  return counters.lockedUntil !== null && counters.lockedUntil > now;
}

/** The counters once the failure that made `failedLogins` is counted: the last allowed one locks and starts the count afresh. */
export function afterFailure(failedLogins: number, now: Date): LoginCounters {
  if (failedLogins < LOCKOUT.failures) return { failedLogins, lockedUntil: null };
  return { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.minutes * 60_000) };
}

/** Seconds until a lock-out ends, for Retry-After. */
export function secondsLocked(lockedUntil: Date, now: Date): number {
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}
