// The repository stands alone: a user has only a clone, so no file in it may reach for a
// folder beside it (the reference data it needs ships in reference/).

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../config/paths.ts';

const SKIP = new Set(['.git', 'node_modules', 'data', 'dist', 'generated', 'scratch']);
// Spelled in pieces so this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./' + 'shared', 'shared/' + 'data', `['"]\\.\\.['"]\\s*,\\s*['"]` + 'shared'].join('|'));

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (/\.(ts|js|mjs|json|md|yml|yaml|sh|prisma|sql|xml)$|^run$/.test(entry.name)) yield path;
  }
}

it('no file refers to a folder outside the repository', () => {
  const offenders = [...files(ROOT)].filter((f) => OUTSIDE.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
  expect(offenders).toEqual([]);
});
