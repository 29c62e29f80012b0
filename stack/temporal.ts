// The Temporal dev server (official CLI, SQLite persistence, Web UI). No npm or
// Debian package ships it, so the CLI is built once from the Go module registry and
// cached outside the clone; TEMPORAL_CLI or a `temporal` on PATH wins.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { ManagedProcess } from './process.ts';

const run = promisify(execFile);
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_SEARCH_ATTRIBUTES = ['SettlementState', 'TemplateId', 'PlatformId'];

async function onPath(command: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${command}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function ensureTemporalCli(say: (line: string) => void): Promise<string> {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  const installed = await onPath('temporal');
  if (installed) return installed;
  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lockstep', `temporal-cli-${TEMPORAL_CLI_VERSION.slice(1)}`);
  const binary = join(cacheDir, 'temporal');
  if (existsSync(binary)) return binary;
  const go = await onPath('go');
  if (!go) throw new Error('No Temporal CLI found and no Go toolchain to build one: install Go >= 1.25, or set TEMPORAL_CLI');
  await mkdir(cacheDir, { recursive: true });
  say(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module registry (first run only, a few minutes)...`);
  const started = Date.now();
  await run(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: cacheDir, GOFLAGS: '-mod=mod' },
    maxBuffer: 64 * 1024 * 1024,
  });
  say(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)}s: ${binary}`);
  return binary;
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
