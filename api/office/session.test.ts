import { describe, expect, it } from 'vitest';
import { cookieValue, sessionCookieOptions } from './session.ts';

describe('the Web Office session cookie', () => {
  it('is HttpOnly, SameSite=Strict, for the whole origin (the pages call /v1 with it)', () => {
    expect(sessionCookieOptions({ secure: false }, false)).toEqual({ httpOnly: true, sameSite: 'strict', secure: false, path: '/' });
  });

  it('is Secure over https, whether TLS ends here or at a proxy in front', () => {
    expect(sessionCookieOptions({ secure: false }, true).secure).toBe(true);
    expect(sessionCookieOptions({ secure: true }, false).secure).toBe(true);
  });

  it('is read from a Cookie header among others', () => {
    expect(cookieValue('a=1; lockstep_office=abc-_9; b=2', 'lockstep_office')).toBe('abc-_9');
    expect(cookieValue('lockstep_office_x=1', 'lockstep_office')).toBeUndefined();
    expect(cookieValue(undefined, 'lockstep_office')).toBeUndefined();
  });
});
