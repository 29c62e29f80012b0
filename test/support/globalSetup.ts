// Starts the real infrastructure once for the end-to-end tests, in a fresh data
// folder on free ports, so a running dev stack is never touched.

import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { Manifest, StackSecrets } from '../../stack/manifest';
import { freePort } from '../../stack/ports';
import { startInfrastructure } from '../../stack/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { manifest: Manifest; secrets: StackSecrets; dataDir: string };
  }
}

export default async function setup(project: TestProject) {
  const dataDir = resolve(import.meta.dirname, '..', '..', 'data', 'test');
  await rm(dataDir, { recursive: true, force: true });
  const started = Date.now();
  const infra = await startInfrastructure({
    dataDir,
    ports: { api: await freePort(), temporal: await freePort(), temporalUi: await freePort(), postgres: await freePort(), anvil: await freePort() },
    echo: false,
    // One block per transaction and depth 1: fast, and still the real confirmation path.
    confirmations: 1,
    persistChain: false,
    say: (line) => process.stdout.write(`[stack] ${line}\n`),
  });
  process.stdout.write(`[stack] infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)}s; logs in ${join(dataDir, 'logs')}\n`);
  project.provide('stack', { manifest: infra.manifest, secrets: infra.secrets, dataDir });
  return () => infra.stop();
}
