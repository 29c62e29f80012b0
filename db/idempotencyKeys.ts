// The Idempotency-Key header's store (api/idempotency.ts): a tenant's key is claimed by the
// first request that brings it, and holds that request's answer for a day.

import { isUniqueViolation, type Db } from './client.ts';
import type { Tenant } from './tenant.ts';

/** How long a key remembers its answer: Stripe's 24 hours. */
export const KEY_LIFETIME_MS = 24 * 3_600_000;

export type Claim =
  /** `lease` names this claim: a request that lost its key to a takeover cannot answer for it. */
  | { kind: 'claimed'; lease: Date }
  | { kind: 'answered'; status: number; sealedBody: string | null }
  | { kind: 'other_request' }
  | { kind: 'in_progress' };

const keyOf = (tenant: Tenant, key: string) => ({ platformId: tenant.platformId, environment: tenant.environment, key });

/**
 * Claims `key` for the request with this fingerprint, or says what holds it. A key past its
 * lifetime, or one whose first request held its lease longer than `leaseMs` without an
 * answer (its process died), is claimed afresh, the latter only by the same request.
 */
export async function claimKey(db: Db, tenant: Tenant, key: string, fingerprint: string, leaseMs: number): Promise<Claim> {
  for (;;) {
    const now = new Date();
    try {
      await db.idempotencyKey.create({ data: { ...keyOf(tenant, key), fingerprint, lockedAt: now, createdAt: now } });
      return { kind: 'claimed', lease: now };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const held = await db.idempotencyKey.findUnique({ where: { platformId_environment_key: keyOf(tenant, key) } });
    if (!held) continue; // released by its request in between
    const expired = held.createdAt.getTime() <= now.getTime() - KEY_LIFETIME_MS;
    const abandoned = held.status === null && held.fingerprint === fingerprint && held.lockedAt.getTime() <= now.getTime() - leaseMs;
    if (expired || abandoned) {
      // Only if nobody else took it over since it was read.
      const { count } = await db.idempotencyKey.updateMany({
        where: { ...keyOf(tenant, key), lockedAt: held.lockedAt, createdAt: held.createdAt },
        data: { fingerprint, status: null, sealedBody: null, lockedAt: now, createdAt: now },
      });
      if (count) return { kind: 'claimed', lease: now };
      continue;
    }
    if (held.fingerprint !== fingerprint) return { kind: 'other_request' };
    if (held.status === null) return { kind: 'in_progress' };
    return { kind: 'answered', status: held.status, sealedBody: held.sealedBody };
  }
}

/** Holds the claim a while longer; the new lease, or null when the claim was lost. */
export async function renewLease(db: Db, tenant: Tenant, key: string, lease: Date): Promise<Date | null> {
  const now = new Date();
  const { count } = await db.idempotencyKey.updateMany({ where: { ...keyOf(tenant, key), lockedAt: lease, status: null }, data: { lockedAt: now } });
  return count ? now : null;
}

/** Keeps the claimed key's answer. */
export async function keepAnswer(db: Db, tenant: Tenant, key: string, lease: Date, status: number, sealedBody: string | null): Promise<void> {
  await db.idempotencyKey.updateMany({ where: { ...keyOf(tenant, key), lockedAt: lease, status: null }, data: { status, sealedBody } });
}

/** Lets the key go unanswered, so that a retry runs the request again. */
export async function releaseKey(db: Db, tenant: Tenant, key: string, lease: Date): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: { ...keyOf(tenant, key), lockedAt: lease, status: null } });
}

/** Forgets keys past their lifetime; returns how many. */
export async function pruneKeys(db: Db, now = new Date()): Promise<number> {
  const { count } = await db.idempotencyKey.deleteMany({ where: { createdAt: { lte: new Date(now.getTime() - KEY_LIFETIME_MS) } } });
  return count;
}
