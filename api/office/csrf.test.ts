import { describe, expect, it } from 'vitest';
import { csrfSatisfied, csrfTokenFor } from './csrf.ts';

describe('CSRF tokens', () => {
  const session = 'a-session-token';

  it("are a session's own: stable for it, different for another", () => {
    expect(csrfTokenFor(session)).toBe(csrfTokenFor(session));
    expect(csrfTokenFor('another-session')).not.toBe(csrfTokenFor(session));
    expect(csrfTokenFor(session)).not.toContain(session);
  });

  it('are needed on every method that can change something', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(csrfSatisfied(method, session, undefined)).toBe(false);
      expect(csrfSatisfied(method, session, '')).toBe(false);
      expect(csrfSatisfied(method, session, csrfTokenFor('another-session'))).toBe(false);
      expect(csrfSatisfied(method, session, csrfTokenFor(session).slice(1))).toBe(false);
      expect(csrfSatisfied(method, session, csrfTokenFor(session))).toBe(true);
    }
  });

  it('are not needed to read', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(csrfSatisfied(method, session, undefined)).toBe(true);
  });
});
