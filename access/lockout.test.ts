import { describe, expect, it } from 'vitest';
import { lockedOut, LOCKOUT, mayTryWhere, secondsLocked } from './lockout.ts';

describe('lock-out', () => {
  const now = new Date('2026-12-03T12:00:00Z');

  it('locks for 15 minutes and starts the count afresh', () => {
    expect(lockedOut(now)).toEqual({ failedLogins: 0, lockedUntil: new Date('2026-12-03T12:15:00Z') });
    expect(secondsLocked(lockedOut(now).lockedUntil, now)).toBe(900);
    expect(secondsLocked(lockedOut(now).lockedUntil, new Date('2026-12-03T12:14:00.500Z'))).toBe(60);
  });

  it('lets a row try with fewer than 5 failures in a row and no lock-out running', () => {
    expect(mayTryWhere(now)).toEqual({ failedLogins: { lt: LOCKOUT.failures }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] });
  });

  it('answers a full lock-out while the last tries are still being checked', () => {
    expect(secondsLocked(null, now)).toBe(LOCKOUT.minutes * 60);
    expect(secondsLocked(new Date(now.getTime() - 1), now)).toBe(LOCKOUT.minutes * 60);
  });
});
