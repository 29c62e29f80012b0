// Every route of the platforms' API, declared once: method, path, the scope it asks, what it
// reads and answers. The app serves exactly these (api/app.ts mounts a handler for each, with
// the guards its entry implies), and the OpenAPI document is built from them (api/openapi.ts),
// so the two cannot differ. The Web Office's own routes (api/routes/office*.ts) are the
// browser's, not the platforms', and are not here.

import type { RequestHandler } from 'express';
import type { z } from 'zod';
import type { Scope } from '../access/scopes.ts';
import * as res from './responses.ts';
import * as req from './schemas.ts';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  /** Absent: no token needed, unless `token`. Several: any of them. */
  scope?: Scope | readonly [Scope, ...Scope[]];
  /** A token is needed but no scope (it acts on the token itself). */
  token?: true;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may also come form-encoded (application/x-www-form-urlencoded), as OAuth 2.0 sends it. */
  form?: true;
  /** `repeat`: the status of a repeat that changes nothing (an idempotent retry), with the same schema. */
  ok: { status: number; repeat?: number; schema?: z.ZodType; description: string };
  /** What this route refuses of its own; the statuses every route of its kind can answer are added by errorStatuses. */
  errors?: readonly number[];
  /** The objects this answer names, for the document's links: every route under `under` takes them as these path parameters. */
  links?: { under: readonly string[]; parameters: Readonly<Record<string, string>> };
  /** Its objects belong to the caller's platform, not to one environment: another environment's admin of the same platform reaches them. */
  platformWide?: true;
  /**
   * A POST that creates and changes nothing (a dry run): it is not in the activity log, and an
   * Idempotency-Key is not kept (the same request simply answers anew).
   */
  writesNothing?: true;
}

const page = (item: z.ZodType) => res.pageOf(item);

// The objects links lead to: a path and everything under it.
const SETTLEMENT = ['/v1/settlements/{id}', '/v1/admin/settlements/{id}'] as const;
const SUPPRESSION = ['/v1/compliance/suppressions/{id}'] as const;
const PLATFORM_ENVIRONMENT = '/v1/platforms/me/environments/{id}';
const CLIENT = '/v1/platforms/me/clients/{clientId}';
const TEMPLATE = '/v1/settlement-templates/{idOrSlug}';
const WEBHOOK = '/v1/platforms/me/webhooks/{id}';
const PLATFORM = '/v1/operator/platforms/{platform}';

const ROUTE_TABLE = [
  { method: 'get', path: '/healthz', tag: 'health', summary: 'The process is up', ok: { status: 200, description: 'alive' } },
  { method: 'get', path: '/readyz', tag: 'health', summary: 'The database and Temporal answer', ok: { status: 200, description: 'ready; under `npm start` also `services`: each process of the stack and its state (up, restarting, down)' }, errors: [503] },
  { method: 'get', path: '/openapi.json', tag: 'reference', summary: 'This document', ok: { status: 200, description: 'OpenAPI 3.1' } },
  { method: 'get', path: '/docs', tag: 'reference', summary: 'A reference page for this document (works offline)', ok: { status: 200, description: 'HTML' } },
  {
    method: 'post', path: '/oauth/token', tag: 'auth', summary: 'OAuth 2.0 client credentials: an access token',
    body: req.tokenRequestSchema, form: true, ok: { status: 200, schema: res.tokenSchema, description: 'a JWT access token' }, errors: [400, 401, 403, 422],
  },
  {
    method: 'post', path: '/oauth-token/refresh', tag: 'auth', token: true, summary: "IsSettled's refresh: keep the token alive for another 15 minutes",
    ok: { status: 200, schema: res.refreshedSchema, description: 'refreshed' }, errors: [401],
  },
  {
    method: 'post', path: '/oauth/revoke', tag: 'auth', token: true, summary: 'Revoke the token this request carries (RFC 7009)',
    ok: { status: 200, schema: res.revokedSchema, description: 'revoked from the next request on' }, errors: [401],
  },
  {
    method: 'post', path: '/v1/sessions', tag: 'auth', token: true, summary: 'A session token: some of this token\'s scopes, 1 minute to 24 hours, perhaps for some settlements only (m2m tokens only)',
    body: req.createSessionSchema, ok: { status: 201, schema: res.sessionSchema, description: 'the session token, shown once' }, errors: [401, 403, 422],
    links: { under: ['/v1/sessions/{id}'], parameters: { id: '$response.body#/session_id' } },
  },
  {
    method: 'delete', path: '/v1/sessions/{id}', tag: 'auth', token: true, summary: 'Revoke a session this client made',
    ok: { status: 204, description: 'revoked' }, errors: [401, 404],
  },
  {
    method: 'get', path: '/v1/platforms/me/environments', tag: 'auth', scope: 'admin', summary: "The environments of the caller's platform (KeyStone's Environment)",
    query: req.pageQuery, ok: { status: 200, schema: page(res.platformEnvironmentSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'post', path: '/v1/platforms/me/environments', tag: 'auth', scope: 'admin', summary: 'Add an environment to the caller\'s platform (slug: its name in tokens and in the operator\'s routes)',
    body: req.platformEnvironmentCreateSchema, ok: { status: 201, schema: res.platformEnvironmentSchema, description: 'created' }, errors: [401, 403, 409, 422],
    links: { under: [PLATFORM_ENVIRONMENT], parameters: { id: '$response.body#/id' } },
  },
  {
    method: 'get', path: '/v1/platforms/me/environments/{id}', tag: 'auth', scope: 'admin', summary: 'One environment of the caller\'s platform', platformWide: true,
    ok: { status: 200, schema: res.platformEnvironmentSchema, description: 'the environment' }, errors: [401, 403, 404],
  },
  {
    method: 'patch', path: '/v1/platforms/me/environments/{id}', tag: 'auth', scope: 'admin', summary: 'Change its name, default timeout, rate limit, or reactivate (is_active true)', platformWide: true,
    body: req.platformEnvironmentUpdateSchema, ok: { status: 200, schema: res.platformEnvironmentSchema, description: 'updated' }, errors: [401, 403, 404, 409, 422],
  },
  {
    method: 'delete', path: '/v1/platforms/me/environments/{id}', tag: 'auth', scope: 'admin', platformWide: true,
    summary: 'Deactivate it: its clients get no token and their tokens fail at once; its data stays (not the environment of the calling token: 409)',
    ok: { status: 200, schema: res.platformEnvironmentSchema, description: 'deactivated' }, errors: [401, 403, 404, 409],
  },
  {
    method: 'get', path: '/v1/platforms/me/clients', tag: 'auth', scope: 'admin', summary: "This environment's API clients (never their secrets)",
    query: req.pageQuery, ok: { status: 200, schema: page(res.apiClientSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'post', path: '/v1/platforms/me/clients', tag: 'auth', scope: 'admin', summary: 'Create a client with at most your own scopes, optionally restricted; its secret is in this answer only',
    body: req.createClientSchema, ok: { status: 201, schema: res.createdClientSchema, description: 'created' }, errors: [401, 403, 422],
    links: { under: [CLIENT], parameters: { clientId: '$response.body#/client_id' } },
  },
  {
    method: 'patch', path: '/v1/platforms/me/clients/{clientId}', tag: 'auth', scope: 'admin', summary: "Change a client's restrictions, or deactivate it (its tokens fail at once)",
    body: req.updateClientSchema, ok: { status: 200, schema: res.apiClientSchema, description: 'updated' }, errors: [401, 403, 404, 422],
  },
  {
    method: 'post', path: '/v1/platforms/me/clients/{clientId}/rotate-secret', tag: 'auth', scope: 'admin',
    summary: 'A new client secret, shown once; the old one stops working. Live tokens stay valid unless revoke_tokens',
    body: req.rotateClientSecretSchema, ok: { status: 200, schema: res.rotatedClientSecretSchema, description: 'the new secret' }, errors: [401, 403, 404, 422],
  },
  { method: 'get', path: '/.well-known/jwks.json', tag: 'auth', summary: 'The public keys that verify access tokens (JWKS)', ok: { status: 200, schema: res.jwksSchema, description: 'the key set' } },
  {
    method: 'post', path: '/v1/settlements', tag: 'settlements', scope: 'settlements:write', summary: 'Create a settlement and start its workflow (idempotent by idempotency_key)',
    body: req.createSettlementSchema, ok: { status: 201, repeat: 200, schema: res.settlementSchema, description: 'created; 200 for an idempotent repeat' }, errors: [401, 403, 409, 422, 503],
    links: { under: SETTLEMENT, parameters: { id: '$response.body#/id' } },
  },
  {
    method: 'post', path: '/v1/settlements/dry-run', tag: 'settlements', scope: 'settlements:write', writesNothing: true,
    summary: "What a create with this body would meet now, with nothing created: each party's screening, each leg's token, balance, allowance (and the approvals a deposit needs) and ERC-3643 rules, the gas of every transaction to come, and whether timeout_at leaves room for the confirmations",
    body: req.createSettlementSchema, ok: { status: 200, schema: res.dryRunSchema, description: 'the report: every check, per party and leg; ok when all pass' }, errors: [401, 403, 422, 503],
  },
  {
    method: 'get', path: '/v1/settlements', tag: 'settlements', scope: 'settlements:read', summary: "List the caller's settlements, newest first",
    query: req.listSettlementsQuery, ok: { status: 200, schema: page(res.settlementSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'get', path: '/v1/settlements/{id}', tag: 'settlements', scope: 'settlements:read', summary: 'One settlement, with deposit instructions while deposits are awaited',
    ok: { status: 200, schema: res.settlementSchema, description: 'the settlement' }, errors: [401, 403, 404],
  },
  {
    method: 'get', path: '/v1/settlements/{id}/related', tag: 'settlements', scope: 'settlements:read',
    summary: "A repo settlement's opening and closing legs (KeyStone's tokenised repo); always null here, where there are no repos yet",
    ok: { status: 200, schema: res.relatedSettlementsSchema, description: 'the related settlements' }, errors: [401, 403, 404],
  },
  {
    method: 'get', path: '/v1/settlements/{id}/events', tag: 'settlements', scope: 'settlements:read', summary: 'The audit trail, oldest first, hash-chained',
    query: req.pageQuery, ok: { status: 200, schema: page(res.eventSchema), description: 'a page of events' }, errors: [401, 403, 404, 422],
  },
  {
    method: 'get', path: '/v1/settlements/{id}/events/verify', tag: 'settlements', scope: 'settlements:read', summary: "Verify the trail's hash chain; names the first broken link",
    ok: { status: 200, schema: res.trailVerdictSchema, description: 'the verdict' }, errors: [401, 403, 404],
  },
  {
    method: 'post', path: '/v1/instructions', tag: 'instructions', scope: 'instructions:write',
    summary: "Submit one side of a bilateral trade; without trade_reference it is the first side and gets one to hand to the counterparty; the side that matches the pending one makes the settlement (idempotent by idempotency_key)",
    body: req.createInstructionSchema, ok: { status: 201, schema: res.instructionSchema, repeat: 200, description: 'submitted: pending_match, listing its mismatches with the pending side if any, or matched with its settlement_id; 200 for a repeat' }, errors: [401, 403, 409, 422, 503],
    links: { under: ['/v1/instructions/{id}'], parameters: { id: '$response.body#/id' } },
  },
  {
    method: 'post', path: '/v1/instructions/dry-run', tag: 'instructions', scope: 'instructions:write', writesNothing: true,
    summary: "What a submit of this side would meet now, with nothing created: whether it would match the trade's pending side (and the settlements dry run of the settlement the match would make) or stay pending (its mismatches, and what the side alone allows to check: its party's screening, its legs' tokens, the balances and allowances of the legs it delivers)",
    body: req.createInstructionSchema, ok: { status: 200, schema: res.instructionDryRunSchema, description: 'the answer: would, mismatches, and the settlement dry run when it would match' }, errors: [401, 403, 409, 422, 503],
  },
  {
    method: 'get', path: '/v1/instructions', tag: 'instructions', scope: 'instructions:read', summary: "This environment's instructions, newest first",
    query: req.listInstructionsQuery, ok: { status: 200, schema: page(res.instructionSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'get', path: '/v1/instructions/{id}', tag: 'instructions', scope: 'instructions:read', summary: 'One instruction',
    ok: { status: 200, schema: res.instructionSchema, description: 'the instruction' }, errors: [401, 403, 404],
  },
  {
    method: 'delete', path: '/v1/instructions/{id}', tag: 'instructions', scope: 'instructions:write', summary: 'Cancel an instruction still pending a match',
    ok: { status: 200, schema: res.instructionSchema, description: 'cancelled' }, errors: [401, 403, 404, 409],
  },
  {
    method: 'post', path: '/v1/settlements/{id}/compliance-decision', tag: 'settlements', scope: ['settlements:write', 'compliance:review'],
    summary: "Approve or reject a settlement waiting on a flagged screening (under the environment's four_eyes: compliance:review, and not the client that created it)",
    body: req.complianceDecisionSchema, ok: { status: 200, schema: res.settlementSchema, description: 'the decision was delivered' }, errors: [401, 403, 404, 409, 422],
  },
  {
    method: 'get', path: '/v1/compliance/reviews', tag: 'compliance', scope: ['settlements:read', 'compliance:review'],
    summary: 'The review queue: settlements this platform opened whose screening flagged a party and that wait for a decision, newest first, each with its matches',
    query: req.pageQuery, ok: { status: 200, schema: page(res.complianceReviewSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'post', path: '/v1/compliance/suppressions', tag: 'settlements', scope: 'compliance:review',
    summary: "Record that a party is not a list entry the settlement's screening matched (never for an exact hit)",
    body: req.suppressionSchema, ok: { status: 201, repeat: 200, schema: res.suppressionResponseSchema, description: 'recorded (or reactivated); 200 when already active' }, errors: [401, 403, 404, 422],
    links: { under: SUPPRESSION, parameters: { id: '$response.body#/id' } },
  },
  {
    method: 'get', path: '/v1/compliance/suppressions', tag: 'compliance', scope: ['settlements:read', 'compliance:review'], summary: 'Suppressions of this environment, newest first, with their history',
    query: req.suppressionListQuery, ok: { status: 200, schema: page(res.suppressionResponseSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'get', path: '/v1/compliance/suppressions/{id}', tag: 'compliance', scope: ['settlements:read', 'compliance:review'], summary: 'One suppression with who created, revoked or reactivated it and why',
    ok: { status: 200, schema: res.suppressionResponseSchema, description: 'the suppression' }, errors: [401, 403, 404],
  },
  {
    method: 'post', path: '/v1/compliance/suppressions/{id}/revoke', tag: 'compliance', scope: 'compliance:review', summary: 'Revoke a suppression: the match counts again from the next screening (idempotent)',
    body: req.revokeSuppressionSchema, ok: { status: 200, schema: res.suppressionResponseSchema, description: 'revoked' }, errors: [401, 403, 404, 422],
  },
  {
    method: 'get', path: '/v1/compliance/thresholds', tag: 'compliance', scope: 'settlements:read', summary: "This environment's review and fail thresholds (its own, else the deployment's)",
    ok: { status: 200, schema: res.thresholdsResponseSchema, description: 'the thresholds in force' }, errors: [401, 403],
  },
  {
    method: 'put', path: '/v1/compliance/thresholds', tag: 'compliance', scope: 'admin', summary: "Set this environment's review and fail thresholds for settlements screened from now on",
    body: req.thresholdsSchema, ok: { status: 200, schema: res.thresholdsResponseSchema, description: 'saved' }, errors: [401, 403, 422],
  },
  {
    method: 'get', path: '/v1/settlement-templates', tag: 'templates', scope: 'templates:read', summary: 'The latest version of every visible template',
    query: req.pageQuery, ok: { status: 200, schema: page(res.templateSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'get', path: '/v1/settlement-templates/{idOrSlug}', tag: 'templates', scope: 'templates:read', summary: 'A template version (the latest unless ?version=)',
    query: req.templateVersionQuery, ok: { status: 200, schema: res.templateSchema, description: 'the template' }, errors: [401, 403, 404, 422],
  },
  {
    method: 'post', path: '/v1/settlement-templates', tag: 'templates', scope: 'templates:write', summary: 'Create a template (version 1), validated before it is saved',
    body: req.createTemplateSchema, ok: { status: 201, schema: res.templateSchema, description: 'created' }, errors: [401, 403, 409, 422],
    links: { under: [TEMPLATE], parameters: { idOrSlug: '$response.body#/id' } },
  },
  {
    method: 'post', path: '/v1/settlement-templates/{idOrSlug}/versions', tag: 'templates', scope: 'templates:write', summary: 'Publish the next version of your template',
    body: req.publishVersionSchema, ok: { status: 201, schema: res.templateSchema, description: 'published' }, errors: [401, 403, 404, 409, 422],
  },
  {
    method: 'get', path: '/v1/admin/settlements/stuck', tag: 'operations', scope: 'admin', summary: 'Non-terminal settlements past timeout_at or idle',
    query: req.stuckQuery, ok: { status: 200, schema: page(res.stuckSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'get', path: '/v1/admin/activity', tag: 'operations', scope: 'admin', summary: "This environment's activity log, newest first: mutating calls and authentication failures",
    query: req.activityQuery, ok: { status: 200, schema: page(res.activitySchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'post', path: '/v1/admin/settlements/{id}/cancel', tag: 'operations', scope: 'admin', summary: 'Cancel before the swap: roll back with refunds',
    body: req.reasonBody, ok: { status: 202, schema: res.operationSchema, description: 'the rollback is under way' }, errors: [401, 403, 404, 409, 422],
  },
  {
    method: 'post', path: '/v1/admin/settlements/{id}/force-rollback', tag: 'operations', scope: 'admin', summary: 'Roll back even if the workflow died; idempotent',
    body: req.reasonBody, ok: { status: 202, repeat: 200, schema: res.operationSchema, description: 'under way; 200 if already rolled back' }, errors: [401, 403, 404, 409, 422],
  },
  {
    method: 'post', path: '/v1/admin/screening/screen', tag: 'compliance', scope: 'admin', summary: "Screen one party now, with this environment's thresholds and the workers' lists",
    body: req.adHocScreeningSchema, ok: { status: 200, schema: res.screeningResponseSchema, description: 'the screening' }, errors: [401, 403, 422, 503],
  },
  {
    method: 'post', path: '/v1/platforms/me/webhooks', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: 'Register an endpoint; its signing secret is in this answer only',
    body: req.createWebhookSchema, ok: { status: 201, schema: res.webhookCreatedSchema, description: 'registered' }, errors: [401, 403, 422],
    links: { under: [WEBHOOK], parameters: { id: '$response.body#/id' } },
  },
  {
    method: 'get', path: '/v1/platforms/me/webhooks', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: "This environment's endpoints, newest first",
    query: req.pageQuery, ok: { status: 200, schema: page(res.webhookSchema), description: 'a page' }, errors: [401, 403, 422],
  },
  {
    method: 'get', path: '/v1/platforms/me/webhooks/{id}', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: 'One endpoint (never its secret)',
    ok: { status: 200, schema: res.webhookSchema, description: 'the endpoint' }, errors: [401, 403, 404],
  },
  {
    method: 'patch', path: '/v1/platforms/me/webhooks/{id}', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: 'Change url, description or events; pause or resume',
    body: req.updateWebhookSchema, ok: { status: 200, schema: res.webhookSchema, description: 'updated' }, errors: [401, 403, 404, 422],
  },
  {
    method: 'delete', path: '/v1/platforms/me/webhooks/{id}', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: 'Delete an endpoint with its pending deliveries and logs',
    ok: { status: 204, description: 'deleted' }, errors: [401, 403, 404],
  },
  {
    method: 'post', path: '/v1/platforms/me/webhooks/{id}/test', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: 'Send a test.ping to this endpoint and answer with the first attempt\'s outcome',
    ok: { status: 200, schema: res.webhookTestResultSchema, description: 'the outcome; the ping is retried like any delivery if it failed' }, errors: [401, 403, 404],
  },
  {
    method: 'post', path: '/v1/platforms/me/webhooks/{id}/rotate-secret', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: 'A new signing secret; the previous one also signs for 24 hours',
    ok: { status: 200, schema: res.rotatedSecretSchema, description: 'the new secret, shown once' }, errors: [401, 403, 404],
  },
  {
    method: 'get', path: '/v1/platforms/me/webhooks/{id}/deliveries', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: 'Delivery log: each delivery with its attempts, status codes, latency and next retry',
    query: req.deliveryListQuery, ok: { status: 200, schema: page(res.webhookDeliverySchema), description: 'a page, newest first' }, errors: [401, 403, 404, 422],
  },
  {
    method: 'post', path: '/v1/platforms/me/webhooks/{id}/deliveries/{deliveryId}/resend', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: 'Send a past delivery\'s event again, as a new delivery',
    ok: { status: 202, schema: res.queuedDeliverySchema, description: 'queued' }, errors: [401, 403, 404],
  },
  {
    method: 'get', path: '/v1/platforms/me/events', tag: 'webhooks', scope: 'platform:webhooks:manage', summary: "This environment's webhook events after a cursor, oldest first (what `lockstep listen` forwards)",
    query: req.eventFeedQuery, ok: { status: 200, schema: res.eventFeedSchema, description: 'events and the next cursor; without after: none, and the cursor of now' }, errors: [401, 403, 422],
  },
  {
    method: 'get', path: '/v1/operator/platforms', tag: 'operator', scope: 'operator', summary: 'Every platform and its environments',
    query: req.pageQuery, ok: { status: 200, schema: page(res.platformSchema), description: 'a page, oldest first' }, errors: [401, 403, 422],
  },
  {
    method: 'post', path: '/v1/operator/platforms', tag: 'operator', scope: 'operator', summary: 'Create a platform with its environments (default sandbox and production)',
    body: req.createPlatformSchema, ok: { status: 201, schema: res.platformSchema, description: 'created' }, errors: [401, 403, 409, 422],
    links: { under: [PLATFORM], parameters: { platform: '$response.body#/name' } },
  },
  {
    method: 'get', path: '/v1/operator/platforms/{platform}', tag: 'operator', scope: 'operator', summary: 'One platform (by id or name) and its environments',
    ok: { status: 200, schema: res.platformSchema, description: 'the platform' }, errors: [401, 403, 404],
  },
  {
    method: 'post', path: '/v1/operator/platforms/{platform}/environments', tag: 'operator', scope: 'operator', summary: 'Add an environment to a platform',
    body: req.createEnvironmentSchema, ok: { status: 201, schema: res.environmentSchema, description: 'created' }, errors: [401, 403, 404, 409, 422],
    links: { under: [`${PLATFORM}/environments/{environment}`], parameters: { platform: '$request.path.platform', environment: '$response.body#/name' } },
  },
  {
    method: 'patch', path: '/v1/operator/platforms/{platform}/environments/{environment}', tag: 'operator', scope: 'operator', summary: "Set an environment's rate limit (null: the deployment default)",
    body: req.updateEnvironmentSchema, ok: { status: 200, schema: res.environmentSchema, description: 'updated' }, errors: [401, 403, 404, 422],
  },
  {
    method: 'post', path: '/v1/operator/platforms/{platform}/environments/{environment}/clients', tag: 'operator', scope: 'operator',
    summary: "A client in any platform environment (a new environment's first admin); its secret is in this answer only",
    body: req.createClientSchema, ok: { status: 201, schema: res.operatorCreatedClientSchema, description: 'created' }, errors: [401, 403, 404, 422],
    links: { under: ['/v1/operator/clients/{clientId}'], parameters: { clientId: '$response.body#/client_id' } },
  },
  {
    method: 'post', path: '/v1/operator/clients/{clientId}/deactivate', tag: 'operator', scope: 'operator', summary: "Deactivate any platform's client; its tokens fail at once",
    ok: { status: 200, schema: res.apiClientSchema, description: 'deactivated' }, errors: [401, 403, 404],
  },
  {
    method: 'get', path: '/v1/operator/signing-keys', tag: 'operator', scope: 'operator', summary: 'The token signing keys (public facts only), newest first',
    ok: { status: 200, schema: res.signingKeysSchema, description: 'the keys' }, errors: [401, 403],
  },
  {
    method: 'post', path: '/v1/operator/signing-keys/rotate', tag: 'operator', scope: 'operator', summary: "A new signing key; the previous one's tokens verify until they expire",
    ok: { status: 201, schema: res.rotatedSigningKeySchema, description: 'rotated' }, errors: [401, 403],
  },
  {
    method: 'get', path: '/v1/operator/screening/lists', tag: 'operator', scope: 'operator', summary: 'The list versions each worker screens with (its latest load of the last day)',
    ok: { status: 200, schema: res.listStatusSchema, description: 'per worker' }, errors: [401, 403],
  },
  {
    method: 'post', path: '/v1/operator/screening/lists/refresh', tag: 'operator', scope: 'operator', summary: 'Ask every worker to re-read its lists now; each swaps its index once the new one is built',
    ok: { status: 202, schema: res.refreshRequestSchema, description: 'requested; workers record their loads under request_id' }, errors: [401, 403],
  },
] as const satisfies readonly RouteSpec[];

export const ROUTES: readonly RouteSpec[] = ROUTE_TABLE;

/** Each route with the concrete paths it serves as a pattern ({id}: any one segment). */
const ROUTE_PATTERNS = ROUTES.map((r) => ({ route: r, method: r.method.toUpperCase(), pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`) }));

/**
 * The table's paths without parameters that a route's parameters would also match: they belong
 * to those routes alone (`/v1/settlements/dry-run` names no settlement `dry-run`).
 */
export const shadowedPaths = (route: RouteSpec): string[] => {
  const own = ROUTE_PATTERNS.find((r) => r.route === route)!;
  return [...new Set(ROUTES.filter((r) => !r.path.includes('{') && r.path !== route.path && own.pattern.test(r.path)).map((r) => r.path))];
};

/** The routes serving a concrete path: those spelled out as it is, else those whose parameters match it. */
export function routesServing(path: string) {
  const exact = ROUTE_PATTERNS.filter((r) => r.route.path === path);
  return exact.length ? exact : ROUTE_PATTERNS.filter((r) => r.pattern.test(path));
}

/** The route serving this method (upper case) on this concrete path, if any. */
export const routeOf = (method: string, path: string) => routesServing(path).find((r) => r.method === method)?.route;

/** A POST whose route writes nothing (a dry run): neither the activity log nor an Idempotency-Key keeps anything of it. */
export const writesNothing = (method: string, path: string) => routeOf(method, path)?.writesNothing === true;

/** A route's name, as the routers key their handlers: "GET /v1/settlements/{id}". */
type Entry = (typeof ROUTE_TABLE)[number];
export type RouteKey = Entry extends infer E ? (E extends { method: infer M extends string; path: infer P extends string } ? `${Uppercase<M>} ${P}` : never) : never;

export const routeKey = (r: RouteSpec) => `${r.method.toUpperCase()} ${r.path}` as RouteKey;

/** What a router module hands the app: a handler for each route it serves, by the route's name. */
export type RouteHandlers = { [K in RouteKey]?: RequestHandler };
