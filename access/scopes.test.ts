import { describe, expect, it } from 'vitest';
import { ROLE_SCOPES, TENANT_SCOPES } from './scopes.ts';

describe('Web Office roles', () => {
  it('give a viewer the read scopes only', () => {
    expect(ROLE_SCOPES.viewer.length).toBeGreaterThan(0);
    expect(ROLE_SCOPES.viewer.every((s) => s.endsWith(':read'))).toBe(true);
  });

  it('give a manager what a viewer has, and acting but no administration', () => {
    expect(ROLE_SCOPES.manager).toEqual(expect.arrayContaining([...ROLE_SCOPES.viewer]));
    expect(ROLE_SCOPES.manager).toEqual(expect.arrayContaining(['settlements:write', 'compliance:review']));
    expect(ROLE_SCOPES.manager).not.toContain('admin');
    expect(ROLE_SCOPES.manager).not.toContain('platform:webhooks:manage');
  });

  it("give an administrator every tenant scope and never the deployment operator's", () => {
    expect([...ROLE_SCOPES.administrator].sort()).toEqual([...TENANT_SCOPES].sort());
    expect(Object.values(ROLE_SCOPES).flat()).not.toContain('operator');
  });
});
