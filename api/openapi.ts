// The API as an OpenAPI 3.1 document, built from the same zod schemas the routes
// validate with (api/schemas.ts) and the response shapes (api/responses.ts). A test
// compares this table with the routes the app serves, so neither can drift.

import { z } from 'zod';
import type { Scope } from '../access/scopes.ts';
import { IDEMPOTENCY_HEADER } from './idempotency.ts';
import * as res from './responses.ts';
import * as req from './schemas.ts';
import { VERSION_HEADER } from './version.ts';
import { API_VERSIONS } from '../domain/apiVersion.ts';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  /** Absent: no token needed, unless `token`. Several: any of them. */
  scope?: Scope | [Scope, ...Scope[]];
  /** A token is needed but no scope (it acts on the token itself). */
  token?: true;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may also come form-encoded (application/x-www-form-urlencoded), as OAuth 2.0 sends it. */
  form?: true;
  /** `repeat`: the status of a repeat that changes nothing (an idempotent retry), with the same schema. */
  ok: { status: number; repeat?: number; schema?: z.ZodType; description: string };
  /** What this route refuses of its own; the statuses every route of its kind can answer are added by errorStatuses. */
  errors?: number[];
  /** The objects this answer names, for the document's links: every route under `under` takes them as these path parameters. */
  links?: { under: string[]; parameters: Record<string, string> };
  /** Its objects belong to the caller's platform, not to one environment: another environment's admin of the same platform reaches them. */
  platformWide?: true;
}

const page = (item: z.ZodType) => res.pageOf(item);

// The objects links lead to: a path and everything under it.
const SETTLEMENT = ['/v1/settlements/{id}', '/v1/admin/settlements/{id}'];
const SUPPRESSION = ['/v1/compliance/suppressions/{id}'];
const PLATFORM_ENVIRONMENT = '/v1/platforms/me/environments/{id}';
const CLIENT = '/v1/platforms/me/clients/{clientId}';
const TEMPLATE = '/v1/settlement-templates/{idOrSlug}';
const WEBHOOK = '/v1/platforms/me/webhooks/{id}';
const PLATFORM = '/v1/operator/platforms/{platform}';

export const ROUTES: RouteSpec[] = [
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
    query: req.eventFeedQuery, ok: { status: 200, schema: res.eventFeedSchema, description: 'events and the next cursor; without after: none, and the latest cursor' }, errors: [401, 403, 422],
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
];

/** No string the API takes may hold U+0000 (api/validation.ts); one with its own pattern, format or values says more already. */
const NO_NUL = '^[^\\u0000]*$';
const noNul = ({ jsonSchema: js }: { jsonSchema: Record<string, unknown> }) => {
  if (js.type === 'string' && !js.pattern && !js.format && !js.enum && js.const === undefined) js.pattern = NO_NUL;
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', ...(io === 'input' ? { override: noNul } : {}) }) as Record<string, unknown>;
  return rest;
};

/** Every POST under /v1 takes one (api/idempotency.ts). */
const takesIdempotencyKey = (r: RouteSpec) => r.method === 'post' && r.path.startsWith('/v1/');
const idempotencyKeyParameter = {
  name: IDEMPOTENCY_HEADER,
  in: 'header',
  required: false,
  description: 'Retry safely: the same key with the same request answers as the first time did (`Idempotent-Replayed: true`) for 24 hours; with another request, or while the first still runs, 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};
/**
 * Every status `r` can answer besides its success: its own refusals and what the middleware in
 * front of it refuses: an unknown Keystone-Version (400) anywhere; an Idempotency-Key's refusals; a body that is not JSON (400),
 * too large (413) or of another media type (415); under /v1 a missing or dead token (401) and the
 * environment's rate limit (429); anywhere, the database busy or unreachable (503).
 */
export function errorStatuses(r: RouteSpec): number[] {
  const statuses = new Set([400, ...(r.errors ?? [])]);
  if (r.body) for (const status of [413, 415]) statuses.add(status);
  if (r.scope || r.token) statuses.add(401);
  if (r.path.startsWith('/v1/')) statuses.add(429);
  // The database busy or unreachable: try again after Retry-After.
  statuses.add(503);
  // A key reused for another request, or while its first request still runs (409), or malformed (422).
  if (takesIdempotencyKey(r)) for (const status of [409, 422]) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

/** The media types `r` reads its body in. */
export const bodyTypes = (r: RouteSpec) => (r.form ? ['application/json', 'application/x-www-form-urlencoded'] : ['application/json']);

/** The JSON pointer of an operation in this document, for a link's operationRef. */
const operationRef = (r: RouteSpec) => `#/paths/${r.path.replaceAll('~', '~0').replaceAll('/', '~1')}/${r.method}`;

/** The links of `r`'s success: one to every other route under the paths it names. */
function linksOf(r: RouteSpec): Record<string, unknown> | undefined {
  if (!r.links) return undefined;
  const { under, parameters } = r.links;
  const targets = ROUTES.filter((t) => t !== r && under.some((prefix) => t.path === prefix || t.path.startsWith(`${prefix}/`)));
  return Object.fromEntries(
    targets.map((t) => [
      `${t.method}${t.path.replace(/[{}]/g, '').replace(/\W+/g, '_')}`,
      { operationRef: operationRef(t), parameters: Object.fromEntries(Object.entries(parameters).filter(([name]) => t.path.includes(`{${name}}`)).map(([name, value]) => [`path.${name}`, value])) },
    ]),
  );
}

export function openApiDocument(buildVersion: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const versionHeader = { name: VERSION_HEADER, in: 'header', required: false, description: 'The API version the request is written for; the answer says the one it is served in', schema: { type: 'string', enum: [...API_VERSIONS] } };
  for (const r of ROUTES) {
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = r.query ? Object.entries((jsonSchema(r.query, 'input').properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: 'query', schema })) : [];
    const headers = takesIdempotencyKey(r) ? [idempotencyKeyParameter] : [];
    const success = { description: r.ok.description, ...(r.ok.schema ? { content: { 'application/json': { schema: jsonSchema(r.ok.schema, 'output') } } } : {}) };
    const links = linksOf(r);
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.scope || r.token ? { security: [{ bearer: [] }], description: r.scope ? `Scope: ${[r.scope].flat().map((s) => `\`${s}\``).join(' or ')}.` : 'Any valid token: the one it acts on.' } : { security: [] }),
      parameters: [...pathParams, ...query, ...headers, versionHeader],
      // A body whose every field is optional may be left out.
      ...(r.body ? { requestBody: { required: !r.body.safeParse({}).success, content: Object.fromEntries(bodyTypes(r).map((type) => [type, { schema: jsonSchema(r.body!, 'input') }])) } } : {}),
      responses: {
        [r.ok.status]: { ...success, ...(links ? { links } : {}) },
        ...(r.ok.repeat ? { [r.ok.repeat]: success } : {}),
        ...Object.fromEntries(errorStatuses(r).map((status) => [status, { $ref: '#/components/responses/Error' }])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lockstep settlement API',
      version: buildVersion,
      description: 'Delivery-versus-payment settlement, compatible with the KeyStone OS settlement API; errors carry KeyStone\'s `detail` and IsSettled\'s fields.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(res.errorSchema, 'output') },
      responses: { Error: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    },
    paths,
  };
}

const ROUTE_PATTERNS = ROUTES.map((r) => ({ route: r, method: r.method.toUpperCase(), pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`) }));

/** The methods the route table serves on a concrete path (GET implies HEAD); none for a path it does not serve. */
export function allowedMethods(path: string): string[] {
  const methods = new Set(ROUTE_PATTERNS.filter((r) => r.pattern.test(path)).map((r) => r.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods];
}

/** The media types the route for this method and path reads its body in; none if it takes no body. */
export function acceptedBodyTypes(method: string, path: string): string[] {
  const route = ROUTE_PATTERNS.find((r) => r.method === method && r.pattern.test(path))?.route;
  return route?.body ? bodyTypes(route) : [];
}
