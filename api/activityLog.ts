// The activity log: every mutating call and every authentication failure, with who made it
// (client, session and its metadata, or a Web Office user), what (method, path), when, from which address and the
// outcome (status and error code). Written when the response has been sent, so it never slows
// or fails a request; a failed write is logged. Bodies are never kept, so neither are secrets.
// Rows wait up to FLUSH_MS and go in one statement: under load each request's own insert was a
// round trip and a Prisma call for every create.

import type { RequestHandler } from 'express';
import type { Db } from '../db/client.ts';
import type { Tenant } from '../db/tenant.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { writesNothing } from './routeTable.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The platform environment an operator's call acted on (res.locals.affects, set by
 * api/routes/operator.ts): its own log shows the call too, marked as the operator's.
 */
export function affects(res: { locals: Record<string, unknown> }, tenant: Tenant): void {
  res.locals.affects = tenant;
}

/** Who a request was from, when it carried no token: set by /oauth/token once it knows the client. */
export interface KnownClient {
  clientId: string;
  platformId: string;
  environment: string;
}

/** A Web Office user a login named, before there is a session: set by POST /office/api/login. */
export interface KnownUser {
  id: string;
  platformId: string;
  environment: string;
}

const FLUSH_MS = 50;
const MAX_ROWS = 500;

type Log = (message: string, fields: Record<string, unknown>) => void;

export interface ActivityWriter {
  add(rows: Prisma.ActivityLogCreateManyInput[]): void;
  /** Writes what waits; rows added later are written at once. On shutdown, after the server stops taking requests. */
  close(): Promise<void>;
}

export function activityWriter(db: Db, log: Log): ActivityWriter {
  let pending: Prisma.ActivityLogCreateManyInput[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const writes = new Set<Promise<void>>();
  const flush = () => {
    timer = undefined;
    const rows = pending;
    pending = [];
    if (!rows.length) return;
    const write = db.activityLog
      .createMany({ data: rows })
      .then(() => undefined, (err: Error) => log('activity log write failed', { error: err.message, rows: rows.length, paths: [...new Set(rows.map((r) => r.path))].slice(0, 5) }))
      .finally(() => writes.delete(write));
    writes.add(write);
  };
  return {
    add(rows) {
      pending.push(...rows);
      if (closed || pending.length >= MAX_ROWS) flush();
      else timer ??= setTimeout(flush, FLUSH_MS);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      flush();
      await Promise.all(writes);
    },
  };
}

export function activityLog(writer: ActivityWriter): RequestHandler {
  return (req, res, next) => {
    // A dry run is a question, like a GET: it changes nothing, so it is not logged as a change.
    const mutating = MUTATING.has(req.method) && !writesNothing(req.method, req.path);
    res.on('finish', () => {
      const authFailure = res.statusCode === 401;
      if (!mutating && !authFailure) return;
      const auth = req.auth;
      const known = res.locals.client as KnownClient | undefined;
      const user: KnownUser | undefined = req.officeUser ?? (res.locals.user as KnownUser | undefined);
      // A failed token request names its client only in the body; keep the id, never the secret.
      // PostgreSQL's text holds no U+0000: an attempt with one in its client_id is still recorded, the NUL shown as U+FFFD.
      const claimedId: unknown = (req.body as { client_id?: unknown } | undefined)?.client_id;
      const claimed = typeof claimedId === 'string' ? claimedId.slice(0, 128).replaceAll('\u0000', '\ufffd') : null;
      const data: Prisma.ActivityLogCreateManyInput = {
        // When the call was answered, not when its batch is written: the log's order is the calls' order.
        createdAt: new Date(),
        platformId: auth?.platformId ?? known?.platformId ?? user?.platformId ?? null,
        environment: auth?.environment ?? known?.environment ?? user?.environment ?? null,
        userId: user?.id ?? null,
        // A Web Office user's call is theirs (userId), not a client's, though it is authenticated like one.
        clientId: req.officeUser ? null : auth?.clientId ?? known?.clientId ?? (req.path === '/oauth/token' ? claimed : null),
        sessionId: auth?.session ? auth.jti : null,
        sessionMetadata: auth?.session?.metadata ?? undefined,
        method: req.method,
        path: req.originalUrl.split('?')[0]!.slice(0, 512),
        status: res.statusCode,
        ip: req.socket.remoteAddress ?? '',
        code: (res.locals.errorCode as string | undefined) ?? null,
      };
      const affected = res.locals.affects as Tenant | undefined;
      const rows = affected ? [data, { ...data, platformId: affected.platformId, environment: affected.environment, byOperator: true }] : [data];
      writer.add(rows);
    });
    next();
  };
}
