// Per-environment rate limit: the environment's own limit (environments table), else
// RATE_LIMIT_PER_MINUTE, requests in a window of a minute that opens with its first request. Counted in PostgreSQL (one row per environment, updated in a
// single statement), so several API processes share one limit. Every answer carries the
// X-RateLimit-* headers (Reset as KeyStone documents it, the Unix time in seconds when the
// window ends; Reset-After the seconds until then); over the limit it is 429 with Retry-After.

import type { RequestHandler } from 'express';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../errors.ts';

const WINDOW_SECONDS = 60;

export function rateLimit(db: Db, defaultPerMinute: number): RequestHandler {
  return async (req, res, next) => {
    const { platformId, environment } = req.auth!;
    const [row] = await db.$queryRaw<{ count: number; reset_in: number; per_minute: number }[]>`
      INSERT INTO rate_limit_windows AS w (scope_key, window_start, count)
      VALUES (${`${platformId}:${environment}`}, now(), 1)
      ON CONFLICT (scope_key) DO UPDATE SET
        window_start = CASE WHEN w.window_start <= now() - make_interval(secs => ${WINDOW_SECONDS}) THEN now() ELSE w.window_start END,
        count = CASE WHEN w.window_start <= now() - make_interval(secs => ${WINDOW_SECONDS}) THEN 1 ELSE w.count + 1 END
      RETURNING count, CEIL(EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${WINDOW_SECONDS}) - now())))::int AS reset_in,
        COALESCE((SELECT rate_limit_per_minute FROM environments WHERE platform_id = ${platformId}::uuid AND name = ${environment}), ${defaultPerMinute})::int AS per_minute`;
    const perMinute = row!.per_minute;
    // now() is the statement's start, so the rounding can show one second more than the window.
    const resetIn = Math.min(WINDOW_SECONDS, Math.max(1, row!.reset_in));
    res.set({
      'X-RateLimit-Limit': String(perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, perMinute - row!.count)),
      'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + resetIn),
      'X-RateLimit-Reset-After': String(resetIn),
    });
    if (row!.count > perMinute) {
      res.set('Retry-After', String(resetIn));
      throw new ApiError(429, 'rate_limited', 'Too many requests', `This environment may make ${perMinute} requests a minute; retry after ${resetIn} s`);
    }
    next();
  };
}
