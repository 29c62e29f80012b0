// KeyStone's official Python SDK for the conformance test: installed from PyPI at the
// pinned versions in test/sdk/requirements.txt (test/support/pythonTools.ts), and driven
// through test/sdk/keystone_driver.py.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../../config/paths.ts';
import { ensureVenv, pinnedVersion } from './pythonTools.ts';

const REQUIREMENTS = join(ROOT, 'test/sdk/requirements.txt');
const DRIVER = join(ROOT, 'test/sdk/keystone_driver.py');
export const SDK_VERSION = pinnedVersion(REQUIREMENTS, 'keystoneos');

/** The venv's python, installing it first when the pinned set is not there yet. */
export async function ensureSdk(say: (line: string) => void = () => undefined): Promise<string> {
  return join(await ensureVenv('keystoneos', REQUIREMENTS, say), 'python');
}

export interface SdkError {
  ok: false;
  error: string;
  status_code: number | null;
  detail: unknown;
  retry_after: number | null;
  message: string;
}
type Answer = { ok: true; result: unknown } | SdkError;

/** One Python process holding named SDK clients; each request is answered in order. */
export class KeystoneSdk {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, (answer: Answer) => void>();
  private nextId = 1;
  private stderr = '';

  private constructor(python: string) {
    this.child = spawn(python, [DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-8000)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      // Only the driver's answers are JSON lines starting with {; anything else printed is noise.
      if (!line.startsWith('{')) return;
      const answer = JSON.parse(line) as Answer & { id: number };
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
    });
    this.child.once('exit', (code) => {
      for (const settle of this.pending.values()) settle({ ok: false, error: 'DriverExited', status_code: null, detail: this.stderr, retry_after: null, message: `the SDK driver exited (${code}): ${this.stderr}` });
      this.pending.clear();
    });
  }

  static async start(): Promise<KeystoneSdk> {
    return new KeystoneSdk(await ensureSdk((line) => process.stdout.write(`[sdk] ${line}\n`)));
  }

  private send(request: Record<string, unknown>): Promise<Answer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  /** A KeystoneSyncClient, constructed as KeyStone's README shows, pointed at Lockstep. */
  async client(name: string, kwargs: { client_id: string; client_secret: string; base_url: string; auth_domain: string; audience: string }): Promise<void> {
    const answer = await this.send({ op: 'client', name, kwargs });
    if (!answer.ok) throw new Error(`could not construct the SDK client: ${answer.message}`);
  }

  /** `method` as resource.method; a request model argument is given as its fields. Throws unless the SDK returned. */
  async call<T = Record<string, unknown>>(client: string, method: string, ...args: unknown[]): Promise<T> {
    const answer = await this.attempt(client, method, ...args);
    if (!answer.ok) throw new Error(`${method} raised ${answer.error}: ${answer.message}`);
    return answer.result as T;
  }

  /** The SDK's answer or the exception it raised, as it raised it. */
  attempt(client: string, method: string, ...args: unknown[]): Promise<Answer> {
    return this.send({ op: 'call', client, method, args });
  }

  async verify(client: string, payload: string, signature: string, secret: string): Promise<{ resource: boolean; util: boolean; computed: string }> {
    const answer = await this.send({ op: 'verify', client, payload, signature, secret });
    if (!answer.ok) throw new Error(`verify_signature raised ${answer.error}: ${answer.message}`);
    return answer.result as { resource: boolean; util: boolean; computed: string };
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    if (this.child.exitCode === null && this.child.signalCode === null) await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
