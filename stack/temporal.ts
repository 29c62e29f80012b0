// The Temporal dev server (official CLI, SQLite persistence, Web UI). No npm or
// Debian package ships it, so the CLI is built once from the Go module registry and
// cached outside the clone; TEMPORAL_CLI or a `temporal` on PATH wins.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureGoTool, onPath } from './goTool.ts';
import { freePort } from './ports.ts';
import { ManagedProcess } from './process.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/names.ts';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
/** The workflows' search attributes, which the dev server registers at start (workflows/names.ts defines them). */
export const TEMPORAL_SEARCH_ATTRIBUTES = SEARCH_ATTRIBUTES.map((key) => key.name);

/** TEMPORAL_CLI, else a `temporal` on PATH, else the CLI built from the Go module registry. */
export async function ensureTemporalCli(say: (line: string) => void): Promise<string> {
  if (!process.env.TEMPORAL_CLI) {
    const installed = await onPath('temporal');
    if (installed) return installed;
  }
  return ensureGoTool({ name: 'temporal', pkg: 'github.com/temporalio/cli/cmd/temporal', version: TEMPORAL_CLI_VERSION, override: 'TEMPORAL_CLI', folder: 'temporal-cli' }, say);
}

export interface TemporalSettings {
  cli: string;
  dbFile: string;
  port: number;
  uiPort: number;
  logFile: string;
  echo?: boolean;
}

export async function startTemporal(s: TemporalSettings): Promise<ManagedProcess> {
  const args = [
    'server', 'start-dev',
    '--db-filename', s.dbFile,
    '--ip', '127.0.0.1',
    '--port', String(s.port),
    '--ui-port', String(s.uiPort),
    '--log-level', 'warn',
    // The SDK's own CI settings: one SQLite connection is the bottleneck, so skip fsync.
    '--sqlite-pragma', 'journal_mode=WAL',
    '--sqlite-pragma', 'synchronous=OFF',
    ...TEMPORAL_SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
  return new ManagedProcess({
    name: 'temporal',
    command: s.cli,
    args,
    logFile: s.logFile,
    echo: s.echo,
    readyTimeoutMs: 60_000,
    ready: async () => {
      const connection = await Connection.connect({ address: `127.0.0.1:${s.port}`, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    },
  }).start();
}

/**
 * A dev server of one's own on free ports, its database and log in a temp folder of its own, for
 * a test file that needs only Temporal; `stop` removes the folder too. The first use on a machine
 * builds the CLI (ensureTemporalCli), which takes minutes.
 */
export async function startScratchTemporal(): Promise<{ address: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-temporal-'));
  const cli = await ensureTemporalCli((line) => process.stdout.write(`${line}\n`));
  const port = await freePort();
  const temporal = await startTemporal({ cli, dbFile: join(dir, 'temporal.db'), port, uiPort: await freePort(), logFile: join(dir, 'temporal.log') });
  return {
    address: `127.0.0.1:${port}`,
    async stop() {
      await temporal.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
