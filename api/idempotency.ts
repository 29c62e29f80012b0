// The Idempotency-Key header, with Stripe's semantics, on every POST under /v1: the first
// request with a key runs and its answer is kept for 24 hours; a retry with the same key
// and the same request from the same caller gets that answer again (with Idempotent-Replayed:
// true) and runs nothing; the same key with another request, or from another client of the
// tenant, is a 409, as is a retry while the first still runs. Keys are the caller's tenant's.
// An answer that says the request was not let in or did not finish (403, 429, 5xx) is not
// kept, so a retry runs it again.

import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { openSecret, sealSecret } from '../db/secretBox.ts';
import type { Db } from '../db/client.ts';
import { claimKey, keepAnswer, releaseKey, renewLease } from '../db/idempotencyKeys.ts';
import { canonicalJson } from '../domain/canonicalJson.ts';
import { callerOf } from './auth/middleware.ts';
import { conflict, validationFailed } from './errors.ts';
import { writesNothing } from './routeTable.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** A key held this long without an answer or a renewal lost its request; a running request renews it. */
const LEASE_MS = 60_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

const kept = (status: number) => status < 500 && status !== 401 && status !== 403 && status !== 429;

export function idempotency(db: Db, secretsKey: Buffer, log: (message: string, fields: Record<string, unknown>) => void): RequestHandler {
  return async (req, res, next) => {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (req.method !== 'POST' || key === undefined || writesNothing(req.method, req.baseUrl + req.path)) return next();
    if (!KEY.test(key)) {
      throw validationFailed([{ loc: ['header', IDEMPOTENCY_HEADER], msg: 'must be 1 to 255 printable ASCII characters without spaces, such as a UUID', type: 'value_error' }]);
    }
    const tenant = callerOf(req);
    // The caller is part of the request: a replay runs no route check (scope, session rules), so
    // only the client that ran the request, or the same session, may have its answer again.
    const caller = tenant.session ? `session:${tenant.jti}` : `client:${tenant.clientId}`;
    const fingerprint = createHash('sha256').update(`${caller}\n${req.method} ${req.originalUrl}\n${canonicalJson(req.body ?? null)}`).digest('hex');
    const claim = await claimKey(db, tenant, key, fingerprint, LEASE_MS);
    switch (claim.kind) {
      case 'answered':
        // A replay can carry a secret shown once: never cached, as the first answer was not.
        res.set({ 'Idempotent-Replayed': 'true', 'Cache-Control': 'no-store' }).status(claim.status);
        if (claim.sealedBody === null) res.end();
        else res.type('json').send(openSecret(secretsKey, claim.sealedBody));
        return;
      case 'other_request':
        throw conflict('idempotency_key_reused', `${IDEMPOTENCY_HEADER} "${key}" was already used with another request (caller, method, path or body); use a new key for a new request`);
      case 'in_progress':
        res.set('Retry-After', '1');
        throw conflict('idempotency_key_in_use', `A request with ${IDEMPOTENCY_HEADER} "${key}" is still running; retry once it has answered`);
      case 'claimed':
        break;
    }
    // While the request runs, its lease is renewed, one renewal after another, so a slow request
    // keeps its key; a process that dies leaves the lease to lapse, and the same request takes over.
    let lease = claim.lease;
    let renewing = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = renewing.then(async () => {
        const renewed = await renewLease(db, tenant, key, lease).catch((err: unknown) => {
          log('could not renew an idempotency key lease', { key, error: String(err) });
          return null;
        });
        lease = renewed ?? lease;
      });
    }, LEASE_MS / 3);
    renewal.unref();
    let settled = false;
    // The answer is kept before it is sent, so a retry that follows it at once finds it. Every
    // answer passes here: a handler's, and the error handler's for what a handler throws.
    const settleThen = (status: number, body: string | null, send: () => void) => {
      settled = true;
      clearInterval(renewal);
      const keep = renewing.then(() =>
        kept(status) ? keepAnswer(db, tenant, key, lease, status, body === null ? null : sealSecret(secretsKey, body)) : releaseKey(db, tenant, key, lease),
      );
      keep
        .catch((err: unknown) => log('could not keep an idempotent answer', { key, error: String(err) }))
        .then(send)
        .catch((err: unknown) => log('could not send an idempotent answer', { key, error: String(err) }));
    };
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      // One answer per request: a second (a handler that throws after answering) is dropped.
      // The status is the one answered with, whatever is set while the answer is being kept.
      const status = res.statusCode;
      if (!settled) {
        settleThen(status, JSON.stringify(body), () => {
          res.status(status);
          json(body);
        });
      }
      return res;
    };
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      // Settled already: json() sending. Else an answer without a body, such as a 204.
      if (settled) return end(...args);
      settleThen(res.statusCode, null, () => end(...args));
      return res;
    }) as Response['end'];
    next();
  };
}
