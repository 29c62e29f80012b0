// The API as an OpenAPI 3.1 document, built from the route table (api/routeTable.ts), which
// the app also serves its routes from, with the zod schemas the routes validate with
// (api/schemas.ts) and the response shapes (api/responses.ts).

import { z } from 'zod';
import { IDEMPOTENCY_HEADER } from './idempotency.ts';
import * as res from './responses.ts';
import { ROUTES, routeOf, routesServing, type RouteSpec } from './routeTable.ts';
import { VERSION_HEADER } from './version.ts';
import { API_VERSIONS } from '../domain/apiVersion.ts';

/** No string the API takes may hold U+0000 (api/validation.ts); one with its own pattern, format or values says more already. */
const NO_NUL = '^[^\\u0000]*$';
const noNul = ({ jsonSchema: js }: { jsonSchema: Record<string, unknown> }) => {
  if (js.type === 'string' && !js.pattern && !js.format && !js.enum && js.const === undefined) js.pattern = NO_NUL;
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', ...(io === 'input' ? { override: noNul } : {}) }) as Record<string, unknown>;
  return rest;
};

/** Every POST under /v1 takes one (api/idempotency.ts), except one that writes nothing: it has no first answer to keep. */
const takesIdempotencyKey = (r: RouteSpec) => r.method === 'post' && r.path.startsWith('/v1/') && !r.writesNothing;
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

/** The methods the route table serves on a concrete path (GET implies HEAD); none for a path it does not serve. */
export function allowedMethods(path: string): string[] {
  const methods = new Set(routesServing(path).map((r) => r.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods];
}

/** The media types the route for this method and path reads its body in; none if it takes no body. */
export function acceptedBodyTypes(method: string, path: string): string[] {
  const route = routeOf(method, path);
  return route?.body ? bodyTypes(route) : [];
}
