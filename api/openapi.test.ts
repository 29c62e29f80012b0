import { describe, expect, it } from 'vitest';
import { createApp, type ApiDeps } from './app.ts';
import { openApiDocument, ROUTES } from './openapi.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every route the express app serves, as "METHOD /path/{param}". */
function servedRoutes(): string[] {
  // Building the app wires routes only; no dependency is called until a request arrives.
  const app = createApp({ errors: { serviceName: 'test', buildVersion: 'test', log: () => undefined }, tokens: { secret: 'x'.repeat(32) } } as unknown as ApiDeps);
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.handle.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.sort();
}

describe('the OpenAPI document', () => {
  it('lists exactly the routes the app serves', () => {
    const documented = Object.entries(openApiDocument('test').paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    // The Web Office's own API (api/routes/office.ts) and its pages are the browser's, not the platforms'.
    expect(documented).toEqual(servedRoutes().filter((r) => !/ \/office\b/.test(r)));
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
});
