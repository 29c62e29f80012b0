import { describe, expect, it } from 'vitest';
import { ROLE_SCOPES, TENANT_SCOPES } from './scopes.ts';

describe('Web Office roles', () => {
  it('give a viewer the read scopes only', () => {
    expect(ROLE_SCOPES.viewer.length).toBeGreaterThan(0);
    expect(ROLE_SCOPES.viewer.every((s) => s.endsWith(':read'))).toBe(true);
  });

  it('give a manager what a viewer has, and acting (webhook endpoints included) but no administration of credentials or users', () => {
    expect(ROLE_SCOPES.manager).toEqual(expect.arrayContaining([...ROLE_SCOPES.viewer]));
    expect(ROLE_SCOPES.manager).toEqual(expect.arrayContaining(['settlements:write', 'compliance:review', 'platform:webhooks:manage']));
    expect(ROLE_SCOPES.manager).not.toContain('admin');
  });

  it("give an administrator every tenant scope and never the deployment operator's", () => {
    expect([...ROLE_SCOPES.administrator].sort()).toEqual([...TENANT_SCOPES].sort());
    expect(Object.values(ROLE_SCOPES).flat()).not.toContain('operator');
  });
});
