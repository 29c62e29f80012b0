// One error hierarchy for the API. Every error response carries KeyStone's `detail`
// and IsSettled's fields, so clients of either read it without an adapter.

import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request } from 'express';
import { isRecordNotFound } from '../db/client.ts';
import { LockstepError } from '../domain/errors.ts';

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class ApiError extends LockstepError {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly shortMessage: string,
    readonly longMessage: string = shortMessage,
    readonly detail: string | FieldError[] = longMessage,
    /** Protocol fields some endpoints owe their clients, e.g. OAuth 2.0's `error`. */
    readonly extra: Record<string, string> = {},
  ) {
    super(longMessage);
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, 'Bad request', message);
export const unauthorized = (message: string) => new ApiError(401, 'unauthorized', 'Not authenticated', message);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', 'Not permitted', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', 'Not found', `${what} was not found`);
export const conflict = (code: string, message: string) => new ApiError(409, code, 'Conflict', message);
export const unsupportedMediaType = () =>
  new ApiError(415, 'unsupported_media_type', 'Unsupported media type', 'Send the body as JSON with "Content-Type: application/json"');
export const validationFailed = (errors: FieldError[]) =>
  new ApiError(422, 'validation_error', 'Validation failed', errors.map((e) => `${e.loc.join('.')}: ${e.msg}`).join('; '), errors);

export interface ErrorContext {
  serviceName: string;
  buildVersion: string;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** Express's body parser reports its own failures with a `type`; map them to our codes. */
function fromBodyParser(err: unknown): ApiError | undefined {
  const type = (err as { type?: string } | undefined)?.type;
  if (type === 'entity.parse.failed') return badRequest('malformed_json', 'The request body is not valid JSON');
  if (type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'Payload too large', 'The request body is too large');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return new ApiError(415, 'unsupported_media_type', 'Unsupported media type', 'Send the body as UTF-8 JSON');
  }
  // Any other refusal by the body parser (aborted upload, too many parameters, ...) is the client's.
  const status = (err as { status?: number; expose?: boolean } | undefined)?.status;
  if (type && status && status >= 400 && status < 500) return new ApiError(status, 'bad_request', 'Bad request', String((err as Error).message));
  return undefined;
}

/**
 * The database's refusals that say nothing about the request: busy (no connection free in
 * time) or unreachable. The client should try again shortly, so 503 with Retry-After, not 500.
 */
function fromDatabase(err: unknown): ApiError | undefined {
  const code = (err as { code?: string } | undefined)?.code;
  const message = String((err as Error | undefined)?.message ?? '');
  // P2024: no connection from the pool in time; P2028: a transaction could not start in time; P1001: the server is unreachable.
  const busy = code === 'P2024' || code === 'P2028' || /timeout exceeded when trying to connect/i.test(message);
  const down = code === 'P1001' || code === 'ECONNREFUSED' || /DatabaseNotReachable|the database system is (starting up|shutting down)/i.test(message);
  if (!busy && !down) return undefined;
  return new ApiError(503, busy ? 'database_busy' : 'database_unavailable', 'Service unavailable', busy ? 'The database is busy: retry in a moment' : 'The database is unreachable: retry in a moment');
}

/**
 * P2025: an update or delete found no row, though the route read it a moment before: another
 * request removed it in between. To this request it is simply gone, a 404 as if read after.
 */
function removedMeanwhile(err: unknown): ApiError | undefined {
  if (!isRecordNotFound(err)) return undefined;
  return new ApiError(404, 'not_found', 'Not found', 'What the request names was removed by another request while it ran');
}

export function errorBody(req: Request, error: ApiError, context: ErrorContext, troubleshootingId: string) {
  return {
    detail: error.detail,
    code: error.code,
    short_message: error.shortMessage,
    long_message: error.longMessage,
    troubleshooting_id: troubleshootingId,
    timestamp: Date.now(),
    endpoint_url: req.originalUrl,
    service_name: context.serviceName,
    build_version: context.buildVersion,
    member_identification: req.auth?.platformId ?? '',
    ...error.extra,
  };
}

export function errorHandler(context: ErrorContext): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const troubleshootingId = randomUUID();
    const database = fromDatabase(err);
    const known = err instanceof ApiError ? err : (fromBodyParser(err) ?? database ?? removedMeanwhile(err));
    const error = known ?? new ApiError(500, 'internal_error', 'Internal error', `Something went wrong; quote troubleshooting id ${troubleshootingId}`);
    if (!known || database) context.log(database ? 'database refused a request' : 'unhandled error', { troubleshootingId, path: req.originalUrl, error: err instanceof Error ? (err.stack ?? String(err)) : String(err) });
    // For the activity log.
    res.locals.errorCode = error.code;
    // Unavailable for now, not for good: a well-behaved client waits this long and sends the request again.
    if (error.status === 503) res.set('Retry-After', '1');
    res.status(error.status).json(errorBody(req, error, context, troubleshootingId));
  };
}
