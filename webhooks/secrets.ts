// Endpoint signing secrets. Lockstep must sign with them, so they cannot be hashed like
// client secrets: they are sealed at rest (db/secretBox.ts) and shown only once, when
// created or rotated.

import { randomBytes } from 'node:crypto';

/** The Standard Webhooks format: whsec_ and 32 random bytes in base64. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
