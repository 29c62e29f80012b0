// Where the repository's own files are, from the TypeScript sources and from the compiled
// output in dist/ alike: the root is the nearest folder up with Lockstep's package.json.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'lockstep') return dir;
    if (dirname(dir) === dir) throw new Error(`no Lockstep package.json above ${from}`);
  }
}

/** The repository's root folder. */
export const ROOT = findRoot(import.meta.dirname);

/** The reference data that ships with the engine (see reference/README.md). */
export const REFERENCE_DIR = join(ROOT, 'reference');

/** The sanctions lists snapshot in the layout `lockstep lists fetch` writes (listsLayout). */
export const BUNDLED_LISTS_DIR = join(REFERENCE_DIR, 'sanctions');

/** Where a lists folder, the snapshot or one `lockstep lists fetch` keeps, holds each list. */
export const listsLayout = (dir: string) => ({ ofacDir: join(dir, 'ofac-sdn'), unFile: join(dir, 'un', 'consolidated.xml') });
