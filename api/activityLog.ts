// The activity log: every mutating call and every authentication failure, with who made it
// (client, session and its metadata, or a Web Office user), what (method, path), when, from which address and the
// outcome (status and error code). Written when the response has been sent, so it never slows
// or fails a request; a failed write is logged. Bodies are never kept, so neither are secrets.

import type { RequestHandler } from 'express';
import type { Db } from '../db/client.ts';
import type { Tenant } from '../db/tenant.ts';
import type { Prisma } from '../generated/prisma/client.ts';

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

export function activityLog(db: Db, log: (message: string, fields: Record<string, unknown>) => void): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const authFailure = res.statusCode === 401;
      if (!MUTATING.has(req.method) && !authFailure) return;
      const auth = req.auth;
      const known = res.locals.client as KnownClient | undefined;
      const user: KnownUser | undefined = req.officeUser ?? (res.locals.user as KnownUser | undefined);
      // A failed token request names its client only in the body; keep the id, never the secret.
      // PostgreSQL's text holds no U+0000: an attempt with one in its client_id is still recorded, the NUL shown as U+FFFD.
      const claimed = typeof req.body?.client_id === 'string' ? String(req.body.client_id).slice(0, 128).replaceAll('\u0000', '\ufffd') : null;
      const data: Prisma.ActivityLogCreateInput = {
        platformId: auth?.platformId ?? known?.platformId ?? user?.platformId ?? null,
        environment: auth?.environment ?? known?.environment ?? user?.environment ?? null,
        userId: user?.id ?? null,
        // A Web Office user's call is theirs (userId), not a client's, though it is authenticated like one.
        clientId: req.officeUser ? null : auth?.clientId ?? known?.clientId ?? (req.path === '/oauth/token' ? claimed : null),
        sessionId: auth?.session ? auth.jti : null,
        sessionMetadata: (auth?.session?.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
        method: req.method,
        path: req.originalUrl.split('?')[0]!.slice(0, 512),
        status: res.statusCode,
        ip: req.socket.remoteAddress ?? '',
        code: (res.locals.errorCode as string | undefined) ?? null,
      };
      const affected = res.locals.affects as Tenant | undefined;
      const rows = affected ? [data, { ...data, platformId: affected.platformId, environment: affected.environment, byOperator: true }] : [data];
      db.activityLog.createMany({ data: rows }).catch((err: Error) => log('activity log write failed', { error: err.message, path: data.path }));
    });
    next();
  };
}
