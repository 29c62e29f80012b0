// The HTTP API as an express app built from its dependencies (main.ts wires them).

import express, { type RequestHandler } from 'express';
import { activityLog, type ActivityWriter } from './activityLog.ts';
import { authenticate, authenticateCaller, permittedEndpoint, requireScope, tenantScope } from './auth/middleware.ts';
import { rateLimit } from './auth/rateLimit.ts';
import { adminRoutes } from './routes/admin.ts';
import type { TokenService } from './auth/tokens.ts';
import { ApiError, errorHandler, notFound, unsupportedMediaType, type ErrorContext } from './errors.ts';
import { clientRoutes } from './routes/clients.ts';
import { complianceDecisionRoutes } from './routes/complianceDecisions.ts';
import { healthRoutes } from './routes/health.ts';
import { idempotency } from './idempotency.ts';
import type { InstructionDeps } from './instructions/submit.ts';
import { instructionRoutes } from './routes/instructions.ts';
import { acceptedBodyTypes, allowedMethods } from './openapi.ts';
import { ROUTES, routeKey, shadowedPaths, type RouteKey, type RouteSpec } from './routeTable.ts';
import { pinnedVersion, requestedVersion } from './version.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { environmentRoutes } from './routes/environments.ts';
import { officeRoutes, type OfficeDeps } from './routes/office.ts';
import { officePageRoutes } from './routes/officePages.ts';
import { operatorRoutes } from './routes/operator.ts';
import { referenceRoutes } from './routes/reference.ts';
import { screeningRoutes, type ScreeningDeps } from './routes/screening.ts';
import { settlementEventRoutes } from './routes/settlementEvents.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { settlementRoutes } from './routes/settlements.ts';
import { suppressionRoutes } from './routes/suppressions.ts';
import { templateRoutes } from './routes/templates.ts';
import { webhookRoutes, type WebhookDeps } from './routes/webhooks.ts';
import type { DryRunDeps } from './settlements/dryRun.ts';
import type { PresentDeps } from './settlements/present.ts';

export type ApiDeps = InstructionDeps & DryRunDeps & PresentDeps & ScreeningDeps & WebhookDeps & OfficeDeps & {
  tokens: TokenService;
  activity: ActivityWriter;
  errors: ErrorContext;
  rateLimitPerMinute: number;
  /** SECRETS_KEY: seals what is kept at rest and must be read again. */
  secretsKey: Buffer;
  stackStatusFile?: string | undefined;
};

/** A body in another media type than its route reads is refused (415), never read as no body: no field of it would be seen. */
const bodiesItReads: express.RequestHandler = (req, _res, next) => {
  const types = acceptedBodyTypes(req.method, req.path);
  // Content-Length: 0, as some clients send on any method, is no body.
  const hasContent = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (types.length && hasContent && !req.is(types)) throw unsupportedMediaType();
  next();
};

/** What a route's entry asks before its handler runs: a form body read, a token outside /v1 (inside, the /v1 middleware checks it), a scope. */
function guardsOf(route: RouteSpec, tokens: TokenService): RequestHandler[] {
  return [
    ...(route.form ? [express.urlencoded({ extended: false })] : []),
    ...(route.token && !route.path.startsWith('/v1/') ? [authenticate(tokens)] : []),
    ...(route.scope ? [requireScope(...(typeof route.scope === 'string' ? ([route.scope] as const) : route.scope))] : []),
  ];
}

/** A route whose parameter would take another route's path (GET `/v1/settlements/{id}` and `/v1/settlements/dry-run`) lets it by: that path answers 405 for this method, not this route's 404. */
function leaves(route: RouteSpec): RequestHandler[] {
  const others = new Set(shadowedPaths(route));
  return others.size ? [(req, _res, next) => next(others.has(req.path) ? 'route' : undefined)] : [];
}

/** `/v1/settlements/{id}` as express writes it: `/v1/settlements/:id`. */
const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // First, so that a request refused by the body parser is logged too.
  app.use(activityLog(deps.activity));
  app.use(requestedVersion);
  app.use(bodiesItReads);
  app.use(express.json({ limit: '256kb' }));
  // The Web Office's own API: a session cookie instead of a token (api/routes/office.ts).
  app.use(officeRoutes(deps));
  app.use(officePageRoutes());
  // Everything under /v1 needs a valid token or Web Office session, counts against its environment's rate limit and
  // works in the caller's tenant view of the database, and a POST may carry an Idempotency-Key;
  // each route then asks for its scope.
  app.use(
    '/v1',
    authenticateCaller(deps.tokens, deps.db),
    pinnedVersion,
    rateLimit(deps.db, deps.rateLimitPerMinute),
    permittedEndpoint,
    tenantScope(deps.db),
    idempotency(deps.db, deps.secretsKey, deps.errors.log),
  );
  // Every route of the table, with the handler its router gives it (the type asks for one each)
  // behind the guards its entry implies.
  const handlers: Record<RouteKey, RequestHandler> = {
    ...healthRoutes({ ...deps, log: deps.errors.log }),
    ...oauthRoutes(deps),
    ...referenceRoutes({ buildVersion: deps.errors.buildVersion }),
    ...settlementRoutes(deps),
    ...instructionRoutes(deps),
    ...settlementEventRoutes(deps),
    ...complianceDecisionRoutes(deps),
    ...suppressionRoutes(deps),
    ...screeningRoutes(deps),
    ...templateRoutes(),
    ...adminRoutes(deps),
    ...webhookRoutes(deps),
    ...sessionRoutes(deps),
    ...clientRoutes(deps),
    ...environmentRoutes(deps),
    ...operatorRoutes(deps),
  };
  for (const route of ROUTES) app[route.method](expressPath(route.path), ...leaves(route), ...guardsOf(route, deps.tokens), handlers[routeKey(route)]);
  app.use((req, res) => {
    // A path the API serves, asked with a method it does not: 405 with the methods it takes.
    const allowed = allowedMethods(req.path);
    if (!allowed.length) throw notFound(`Route ${req.method} ${req.path}`);
    res.set('Allow', allowed.join(', '));
    throw new ApiError(405, 'method_not_allowed', 'Method not allowed', `${req.method} is not served on ${req.path}; it takes ${allowed.join(', ')}`);
  });
  app.use(errorHandler(deps.errors));
  return app;
}
