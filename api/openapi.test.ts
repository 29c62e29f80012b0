import { describe, expect, it } from 'vitest';
import { allowedMethods, openApiDocument } from './openapi.ts';
import { routeKey, routeOf, ROUTES, writesNothing } from './routeTable.ts';

describe('the OpenAPI document', () => {
  // The app serves these very routes (api/app.ts mounts one handler per entry, and the type
  // of its handler map asks for every one), so only the table's own soundness is left to check.
  it('declares each route once', () => {
    const keys = ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is OpenAPI 3.1 with a response, a security rule and JSON schemas for every operation', () => {
    const doc = openApiDocument('1.2.3');
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { version: '1.2.3' } });
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods) as [string, { responses: object; security: unknown[]; requestBody?: { content: Record<string, { schema: { type?: string } }> } }][]) {
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        expect(Array.isArray(op.security), `${method} ${path}`).toBe(true);
        if (op.requestBody) expect(op.requestBody.content['application/json']!.schema.type).toBe('object');
      }
    }
    expect(ROUTES.filter((r) => r.path.startsWith('/v1/')).every((r) => r.scope || r.token)).toBe(true);
  });

  it('gives a path spelled out in the table to its own routes, not to a parameter that would match it', () => {
    expect(allowedMethods('/v1/settlements/dry-run')).toEqual(['POST']);
    expect(routeOf('GET', '/v1/settlements/dry-run')).toBeUndefined();
    expect(allowedMethods('/v1/settlements/0b6c7a52-3a1e-4b8e-9d51-6f0c1f0c2a11')).toEqual(['GET', 'HEAD']);
    expect(writesNothing('POST', '/v1/settlements/dry-run')).toBe(true);
    expect(writesNothing('POST', '/v1/settlements')).toBe(false);
    expect(allowedMethods('/v1/instructions/dry-run')).toEqual(['POST']);
    expect(writesNothing('POST', '/v1/instructions/dry-run')).toBe(true);
    expect(writesNothing('POST', '/v1/instructions')).toBe(false);
  });
});
