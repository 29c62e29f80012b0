// The event feed (GET /v1/platforms/me/events, what `lockstep listen` polls), read by cursor.
// An event's seq is taken when it is inserted, inside the transaction that caused it, and
// transactions commit in any order: a reader could see seq 10 committed while seq 9 is still in
// flight, move past 10 and never see 9. So each event records its transaction (txid), and the
// feed returns only events of transactions older than every one still running (below the
// snapshot's xmin), in (txid, seq) order: an event not yet visible belongs to a transaction at
// or above that xmin, so it sorts after any cursor the feed has handed out, and is never skipped.
// Plain SQL as the tenant (asTenant): row-level security decides what is returned.

import type pg from 'pg';
import type { Tenant } from './tenant.ts';

/** A cursor: `<txid>.<seq>` (an event's, or the feed's position of now with seq 0), or before 0.x an event's seq alone. */
export interface FeedQuery {
  after?: string;
  limit: number;
}

export interface FeedEvent {
  id: string;
  event: string;
  body: { id: string; event: string; data: Record<string, unknown> };
  created_at: string;
}

interface Row {
  id: string;
  type: string;
  body: FeedEvent['body'];
  created_at: Date;
  txid: string;
  seq: string;
}

/** Events of transactions no longer running, after the cursor; an all-digits cursor (a seq, as the feed gave before) starts after that event. */
const FEED_SQL = `
  SELECT id, type, body, created_at AT TIME ZONE 'UTC' AS created_at, txid::text AS txid, seq::text AS seq
  FROM webhook_events
  WHERE platform_id = $1::uuid AND environment = $2
    AND (txid, seq) > (COALESCE($3::xid8, (SELECT e.txid FROM webhook_events e WHERE e.seq = $4::bigint), '0'::xid8), $4::bigint)
    AND txid < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY txid, seq
  LIMIT $5`;

/** The position of now: every event a transaction still running (or yet to start) queues comes after it. */
const NOW_SQL = `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`;

export async function readEventFeed(client: pg.PoolClient, tenant: Tenant, q: FeedQuery): Promise<{ items: FeedEvent[]; next_after: string }> {
  if (q.after === undefined) {
    const { rows } = await client.query<{ xmin: string }>({ name: 'lockstep-event-feed-now', text: NOW_SQL });
    return { items: [], next_after: `${rows[0]!.xmin}.0` };
  }
  // Numbers written plainly: xid8's input reads a leading 0 as octal.
  const plain = (n: string) => String(BigInt(n));
  const dot = q.after.indexOf('.');
  const txid = dot < 0 ? null : plain(q.after.slice(0, dot));
  const seq = plain(q.after.slice(dot + 1));
  const { rows } = await client.query<Row>({ name: 'lockstep-event-feed', text: FEED_SQL, values: [tenant.platformId, tenant.environment, txid, seq, q.limit] });
  const last = rows.at(-1);
  return {
    items: rows.map((e) => ({ id: e.id, event: e.type, body: e.body, created_at: e.created_at.toISOString() })),
    next_after: last ? `${last.txid}.${last.seq}` : q.after,
  };
}
