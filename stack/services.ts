// Lockstep's own processes (worker, API, listener, webhook dispatcher), spawned the same way by the
// dev stack, the tests and the benchmark: plain `node` on the compiled JavaScript in dist/
// (`npm run build`), as in production, so a signal reaches the process itself rather than
// a wrapper and no process carries a TypeScript compiler.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../config/paths.ts';
import { serviceEnv, type Manifest, type StackSecrets } from './manifest.ts';
import { ManagedProcess } from './process.ts';

export type ServiceName = 'worker' | 'api' | 'listener' | 'webhooks';

const ENTRY: Record<ServiceName, string> = {
  worker: 'worker/main',
  api: 'api/main',
  listener: 'listeners/main',
  webhooks: 'webhooks/main',
};

const READY_LINE: Record<Exclude<ServiceName, 'api'>, RegExp> = {
  worker: /"worker started"/,
  listener: /"listening for escrow deposits"/,
  webhooks: /"dispatching webhooks"/,
};

export interface ServiceOptions {
  logDir: string;
  echo?: boolean;
  /** Extra settings, e.g. a test's own task queue or API port. */
  env?: Record<string, string> | undefined;
  /** Compile the TypeScript at run time (`node --import tsx`), as before dist/: only the benchmark's memory reference. */
  fromSource?: boolean;
  /** Options for node itself, e.g. the benchmark's --cpu-prof (which NODE_OPTIONS may not carry). */
  nodeArgs?: string[];
  /** The process's name where several of one service run (`worker-2`): its log file and its name in a supervisor. */
  instance?: string;
}

export function serviceProcess(name: ServiceName, manifest: Manifest, secrets: StackSecrets, options: ServiceOptions): ManagedProcess {
  const env: Record<string, string> = {
    // glibc's per-thread malloc arenas kept tens of MB of freed pages per process; why and what
    // one arena saved is in docs/runbook.md (MALLOC_ARENA_MAX). The caller's own setting wins.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '1',
    ...serviceEnv(manifest, secrets),
    // Only the worker signs escrow transactions.
    ...(name === 'worker' ? { OPERATOR_PRIVATE_KEY: manifest.wallets.operator.private_key } : {}),
    ...options.env,
  };
  const apiUrl = `http://127.0.0.1:${env.API_PORT}`;
  const entry = join(ROOT, options.fromSource ? `${ENTRY[name]}.ts` : `dist/${ENTRY[name]}.js`);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  const instance = options.instance ?? name;
  return new ManagedProcess({
    name: instance,
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), ...(options.fromSource ? ['--import', 'tsx', entry] : [entry])],
    cwd: ROOT,
    env,
    logFile: join(options.logDir, `${instance}.log`),
    echo: options.echo,
    readyTimeoutMs: 120_000,
    ...(name === 'api'
      ? { ready: async () => (await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2000) })).ok }
      : { readyLine: READY_LINE[name] }),
  });
}

