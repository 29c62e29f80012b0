export const SCOPES = [
  'settlements:read',
  'settlements:write',
  'instructions:read',
  'instructions:write',
  'templates:read',
  'templates:write',
  'platform:read',
  'platform:webhooks:manage',
  // A compliance reviewer: suppressions always need it; under an environment's four_eyes, a
  // compliance decision needs it too, from a client other than the settlement's creator.
  'compliance:review',
  'admin',
  // The deployment's operator: platforms, environments, any platform's clients, signing keys
  // and the sanctions lists, under /v1/operator. A platform's `admin` cannot grant it (a client
  // gets at most its creator's scopes); only the CLI or another operator can.
  'operator',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Scopes a session (a browser's token) gets only when it asks for them by name, never by default. */
export const PRIVILEGED_SCOPES: readonly Scope[] = ['admin', 'operator'];

/** Every scope but the operator's: what a test gives a client that must stay a mere tenant. */
export const TENANT_SCOPES = SCOPES.filter((s) => s !== 'operator');

/** The scopes in `wanted` that `held` lacks. */
export function scopesBeyond(held: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((s) => !held.includes(s));
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * Web Office roles (IsSettled's Viewer, Manager and Administrator), each a set of the scopes
 * above, so a page checks a person's right with the same scope its API route asks of a token.
 */
export const ROLES = ['viewer', 'manager', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

/** Reading everything a tenant may read. */
const READ_SCOPES: readonly Scope[] = ['settlements:read', 'instructions:read', 'templates:read', 'platform:read'];
/**
 * Acting: creating settlements and instructions, publishing templates, compliance decisions and
 * suppressions, and the environment's webhook endpoints (the issue's Manager sets one up and
 * tests it: where events go is the back office's work, not the credentials').
 */
const ACT_SCOPES: readonly Scope[] = ['settlements:write', 'instructions:write', 'templates:write', 'compliance:review', 'platform:webhooks:manage'];

export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  viewer: READ_SCOPES,
  manager: [...READ_SCOPES, ...ACT_SCOPES],
  // `admin` is the one scope of API clients, environments and Web Office users.
  administrator: [...READ_SCOPES, ...ACT_SCOPES, 'admin'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
