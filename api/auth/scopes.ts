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
