import { describe, expect, it } from 'vitest';
import { afterFailure, lockedAt, LOCKOUT, secondsLocked } from './lockout.ts';

describe('lock-out', () => {
  const now = new Date('2026-12-03T12:00:00Z');

  it('lets the first failures pass and locks for 15 minutes at the fifth', () => {
    for (let n = 1; n < LOCKOUT.failures; n++) expect(afterFailure(n, now)).toEqual({ failedLogins: n, lockedUntil: null });
    const locked = afterFailure(LOCKOUT.failures, now);
    expect(locked).toEqual({ failedLogins: 0, lockedUntil: new Date('2026-12-03T12:15:00Z') });
    expect(lockedAt(locked, now)).toBe(true);
    expect(secondsLocked(locked.lockedUntil!, now)).toBe(900);
  });

  it('ends when its time is up', () => {
    const { lockedUntil } = afterFailure(LOCKOUT.failures, now);
    expect(lockedAt({ lockedUntil }, new Date(lockedUntil!.getTime() - 1))).toBe(true);
    expect(lockedAt({ lockedUntil }, lockedUntil!)).toBe(false);
    expect(lockedAt({ lockedUntil: null }, now)).toBe(false);
  });

  it('locks a count that concurrent failures pushed past the limit too', () => {
    expect(afterFailure(LOCKOUT.failures + 2, now).lockedUntil).not.toBeNull();
  });
});
