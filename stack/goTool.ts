// Tools no npm or Debian package ships (the Temporal CLI, the vegeta load generator) are
// built once from the Go module registry with the machine's Go and cached outside the clone,
// one folder per version, so every clone on the machine shares the build.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GoTool {
  /** The command's name, as `go install` names the binary. */
  name: string;
  /** The package to install, without the version. */
  pkg: string;
  version: string;
  /** An environment variable that, when set, names a binary to use instead. */
  override: string;
  /** The cache folder's name before the version, when it is not the command's. */
  folder?: string;
}

export async function onPath(command: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${command}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The tool's binary: the override, else the cached build, else built now (minutes, first run only). */
export async function ensureGoTool(tool: GoTool, say: (line: string) => void): Promise<string> {
  const override = process.env[tool.override];
  if (override) return override;
  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lockstep', `${tool.folder ?? tool.name}-${tool.version.replace(/^v/, '')}`);
  const binary = join(cacheDir, tool.name);
  if (existsSync(binary)) return binary;
  const go = await onPath('go');
  if (!go) throw new Error(`No ${tool.name} found and no Go toolchain to build one: install Go >= 1.25, or set ${tool.override}`);
  await mkdir(cacheDir, { recursive: true });
  say(`building ${tool.name} ${tool.version} from the Go module registry (first run only, a few minutes)...`);
  const started = Date.now();
  await run(go, ['install', `${tool.pkg}@${tool.version}`], { env: { ...process.env, GOBIN: cacheDir, GOFLAGS: '-mod=mod' }, maxBuffer: 64 * 1024 * 1024 });
  say(`${tool.name} built in ${Math.round((Date.now() - started) / 1000)}s: ${binary}`);
  return binary;
}
