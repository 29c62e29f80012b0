// GET /openapi.json and GET /docs: the API reference, served by the API itself. The
// page is self-contained (no script, style or font from elsewhere) so it works offline.

import { openApiDocument } from '../openapi.ts';
import type { RouteHandlers } from '../routeTable.ts';

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lockstep API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{margin-bottom:.2rem}.muted{color:#5b6475}h2{margin-top:2rem;border-bottom:1px solid #dde1e8;text-transform:capitalize}
details{border:1px solid #dde1e8;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
summary{cursor:pointer}code,pre{font-family:ui-monospace,monospace;font-size:13px}
pre{background:#f5f7fa;padding:.6rem;overflow:auto;border-radius:4px;max-height:28rem}
.m{display:inline-block;min-width:3.2rem;font-weight:600}.get{color:#1a7f37}.post{color:#0550ae}
</style></head><body>
<h1>Lockstep API reference</h1><p class="muted" id="about"></p><div id="api">Loading /openapi.json…</div>
<script>
const el = (tag, attrs = {}, ...children) => { const e = document.createElement(tag); Object.assign(e, attrs);
  for (const c of children) e.append(c); return e; };
const json = (value) => el('pre', {}, JSON.stringify(value, null, 2));
fetch('openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('about').textContent = doc.info.description + ' Version ' + doc.info.version + '.';
  const root = document.getElementById('api'); root.textContent = '';
  const byTag = {};
  for (const [path, methods] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(methods))
    (byTag[op.tags[0]] ??= []).push({ path, method, op });
  for (const [tag, ops] of Object.entries(byTag)) {
    root.append(el('h2', {}, tag));
    for (const { path, method, op } of ops) {
      const body = el('div');
      if (op.description) body.append(el('p', {}, op.description));
      if (op.parameters) body.append(el('h4', {}, 'Parameters'), json(op.parameters));
      if (op.requestBody) body.append(el('h4', {}, 'Request body'), json(op.requestBody.content['application/json'].schema));
      for (const [status, r] of Object.entries(op.responses)) {
        const resolved = r.$ref ? doc.components.responses.Error : r;
        body.append(el('h4', {}, status + ' ' + resolved.description));
        const schema = resolved.content?.['application/json']?.schema;
        if (schema) body.append(json(schema.$ref ? doc.components.schemas.Error : schema));
      }
      root.append(el('details', {}, el('summary', {}, el('span', { className: 'm ' + method }, method.toUpperCase()), el('code', {}, path), ' — ' + op.summary), body));
    }
  }
});
</script></body></html>`;

export function referenceRoutes(deps: { buildVersion: string }) {
  const document = openApiDocument(deps.buildVersion);
  return {
    'GET /openapi.json': (_req, res) => {
      res.json(document);
    },
    'GET /docs': (_req, res) => {
      res.set('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'").type('html').send(DOCS_PAGE);
    },
  } satisfies RouteHandlers;
}
