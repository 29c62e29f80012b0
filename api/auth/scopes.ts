export const SCOPES = [
  'settlements:read',
  'settlements:write',
  'templates:read',
  'templates:write',
  'platform:read',
  'platform:webhooks:manage',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
