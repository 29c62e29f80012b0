// Per-environment rate limit: the environment's own limit (environments table), else
// RATE_LIMIT_PER_MINUTE, requests in a window of a minute that opens with its first request.
// Counted in PostgreSQL (one row per environment), so several API processes share one limit;
// to keep a statement off every request, a process takes the counts in leases of 1/200th of
// the limit (at least one) and hands them out itself. A lease never goes past the limit, so no
// more than the limit is ever admitted; what a process leased and did not use by the end of the
// window is lost, at most 0.5% of the limit per process (1.5% with three). A window that is used
// up is answered 429 from memory, asking the database again each second.
// Every answer carries the X-RateLimit-* headers (Reset as KeyStone documents it, the Unix time
// in seconds when the window ends; Reset-After the seconds until then); over the limit it is 429
// with Retry-After.

import type { RequestHandler } from 'express';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../errors.ts';

const WINDOW_SECONDS = 60;
const LEASE_DIVISOR = 200;
const EXHAUSTED_TRUST_MS = 1000;

/** Counts `next`..`last` of the window ending at `endsAt` are this process's to hand out. */
interface Lease {
  endsAt: number;
  takenAt: number;
  perMinute: number;
  next: number;
  last: number;
}

async function takeLease(db: Db, scopeKey: string, platformId: string, environment: string, defaultPerMinute: number): Promise<Lease> {
  // The window's end counted from before the statement, so a lease never outlives it.
  const sent = Date.now();
  const [row] = await db.$queryRaw<{ count: number; size: number; reset_in_ms: number; per_minute: number }[]>`
    WITH lim AS (
      SELECT COALESCE((SELECT rate_limit_per_minute FROM environments WHERE platform_id = ${platformId}::uuid AND name = ${environment}), ${defaultPerMinute})::int AS per_minute
    ), lease AS (SELECT per_minute, GREATEST(1, per_minute / ${LEASE_DIVISOR})::int AS size FROM lim)
    INSERT INTO rate_limit_windows AS w (scope_key, window_start, count)
    SELECT ${scopeKey}, now(), size FROM lease
    ON CONFLICT (scope_key) DO UPDATE SET
      window_start = CASE WHEN w.window_start <= now() - make_interval(secs => ${WINDOW_SECONDS}) THEN now() ELSE w.window_start END,
      count = CASE WHEN w.window_start <= now() - make_interval(secs => ${WINDOW_SECONDS}) THEN 0 ELSE w.count END + (SELECT size FROM lease)
    RETURNING count, (SELECT size FROM lease) AS size, (SELECT per_minute FROM lease) AS per_minute,
      CEIL(EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${WINDOW_SECONDS}) - now())) * 1000)::int AS reset_in_ms`;
  const { count, size, per_minute: perMinute, reset_in_ms: resetInMs } = row!;
  // The lease is counts count-size+1..count, of which those up to the limit may be used.
  return { endsAt: sent + Math.max(1, resetInMs), takenAt: sent, perMinute, next: count - size + 1, last: Math.min(count, perMinute) };
}

export function rateLimit(db: Db, defaultPerMinute: number): RequestHandler {
  const leases = new Map<string, Lease>();
  /** One lease taken at a time per environment; requests meanwhile wait for it. */
  const taking = new Map<string, Promise<Lease>>();
  /** This request's count (past the limit when the window is used up) and the lease it came from. */
  const countFor = async (platformId: string, environment: string): Promise<{ count: number; lease: Lease }> => {
    const key = `${platformId}:${environment}`;
    for (;;) {
      const lease = leases.get(key);
      if (lease && lease.endsAt > Date.now()) {
        // Claimed here, with no await between the check and the claim: a count is given once.
        if (lease.next <= lease.last) return { count: lease.next++, lease };
        // Used up for this window: 429 from memory, for a second at a time (the limit may be raised meanwhile).
        if (lease.last >= lease.perMinute && Date.now() - lease.takenAt < EXHAUSTED_TRUST_MS) return { count: lease.perMinute + 1, lease };
      }
      let pending = taking.get(key);
      if (!pending) {
        pending = takeLease(db, key, platformId, environment, defaultPerMinute).finally(() => taking.delete(key));
        taking.set(key, pending);
        leases.set(key, await pending);
      } else await pending;
    }
  };
  return async (req, res, next) => {
    const { platformId, environment } = req.auth!;
    const { count, lease } = await countFor(platformId, environment);
    const resetIn = Math.min(WINDOW_SECONDS, Math.max(1, Math.ceil((lease.endsAt - Date.now()) / 1000)));
    res.set({
      'X-RateLimit-Limit': String(lease.perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, lease.perMinute - count)),
      'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + resetIn),
      'X-RateLimit-Reset-After': String(resetIn),
    });
    if (count > lease.perMinute) {
      res.set('Retry-After', String(resetIn));
      throw new ApiError(429, 'rate_limited', 'Too many requests', `This environment may make ${lease.perMinute} requests a minute; retry after ${resetIn} s`);
    }
    next();
  };
}
