// Starts the real infrastructure once for the end-to-end tests, in a fresh data
// folder on free ports, so a running dev stack is never touched.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { Manifest, StackSecrets } from '../../stack/manifest.ts';
import { ROOT } from '../../config/paths.ts';
import { startFreshInfrastructure } from '../../stack/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { manifest: Manifest; secrets: StackSecrets; dataDir: string };
  }
}

export default async function setup(project: TestProject) {
  // The services run the compiled dist/: build it (incrementally) so a direct vitest run never tests stale code.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dataDir = join(ROOT, 'data', 'test');
  const started = Date.now();
  const infra = await startFreshInfrastructure(dataDir, (line) => process.stdout.write(`[stack] ${line}\n`));
  process.stdout.write(`[stack] infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)}s; logs in ${join(dataDir, 'logs')}\n`);
  project.provide('stack', { manifest: infra.manifest, secrets: infra.secrets, dataDir });
  return () => infra.stop();
}
