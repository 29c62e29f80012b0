// `npm start`'s supervisor as a user meets it: the whole stack started by stack/start.ts
// in its own data folder on free ports, a process killed with SIGKILL from outside while a
// settlement awaits its deposits, and the settlement finalizing all the same.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockstepApi } from '../../cli/apiClient.ts';
import { ROOT } from '../../config/paths.ts';
import { readStackStatus, type ServiceStatus } from '../../config/serviceStatus.ts';
import { readStack, statusPath, type Manifest } from '../../stack/manifest.ts';
import { freePort } from '../../stack/ports.ts';
import { depositAs, dvpInstruction, waitForState } from '../support/settlements.ts';

const dataDir = join(ROOT, 'data', 'test', 'supervised');
let stack: ChildProcess;
let output = '';
let manifest: Manifest;
let api: LockstepApi;

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; supervisor output:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const service = (name: string): ServiceStatus | undefined => readStackStatus(statusPath(dataDir))?.services.find((s) => s.name === name);
const lockstep = (args: string[]) =>
  promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], { cwd: ROOT, env: { ...process.env, LOCKSTEP_DATA_DIR: dataDir } });

beforeAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  const env = {
    ...process.env,
    LOCKSTEP_DATA_DIR: dataDir,
    API_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    POSTGRES_PORT: String(await freePort()),
    ANVIL_PORT: String(await freePort()),
    CONFIRMATIONS: '1',
  };
  stack = spawn(process.execPath, [join(ROOT, 'dist/stack/start.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  stack.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  stack.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(() => output.includes('Lockstep is running') || stack.exitCode !== null, 'Lockstep is running', 540_000);
  expect(stack.exitCode, output).toBeNull();
  manifest = readStack(dataDir)!.manifest;
  api = new LockstepApi(manifest.api_url);
  await api.authenticate(manifest.client.client_id, manifest.client.client_secret, manifest.client.audience);
});

afterAll(async () => {
  if (!stack || stack.exitCode !== null) return;
  stack.kill('SIGINT');
  await once(stack, 'exit');
});

describe('npm start supervises its processes', () => {
  it('reports every process up in lockstep status and /readyz', async () => {
    const { stdout } = await lockstep(['status']);
    for (const name of ['postgres', 'temporal', 'anvil', 'worker', 'listener', 'webhooks', 'api']) expect(stdout).toMatch(new RegExp(`^${name}\\s+up\\s`, 'm'));
    const ready = (await (await fetch(`${manifest.api_url}/readyz`)).json()) as { services: Record<string, string> };
    expect(ready.services).toEqual({ postgres: 'up', temporal: 'up', anvil: 'up', worker: 'up', listener: 'up', webhooks: 'up', api: 'up' });
  });

  for (const name of ['worker', 'listener', 'api', 'postgres', 'temporal'] as const) {
    it(`restarts the ${name} after kill -9, says so once, and the settlement awaiting deposits finalizes`, async () => {
      const created = await api.request<{ id: string }>('POST', '/v1/settlements', dvpInstruction(manifest));
      const awaiting = await waitForState(api, created.id, ['AWAITING_DEPOSITS']);
      const before = service(name)!;
      expect(before.state).toBe('up');
      process.kill(before.pid!, 'SIGKILL');
      // Deposits go in while it is down: nothing may be lost.
      await depositAs(manifest, awaiting, 'seller');
      await depositAs(manifest, awaiting, 'buyer');
      const after = await until(() => {
        const s = service(name);
        return s?.state === 'up' && s.pid !== before.pid ? s : undefined;
      }, `${name} up again`);
      expect(after).toMatchObject({ restarts: before.restarts + 1, last_exit: { signal: 'SIGKILL' } });
      const line = `${name} exited (signal SIGKILL); restarting in 1 s`;
      expect(output.split('\n').filter((l) => l.includes(`${name} exited`))).toEqual([line]);
      const final = await waitForState(api, created.id, ['FINALIZED', 'ROLLED_BACK', 'FAILED'], 120_000);
      expect((final).state).toBe('FINALIZED');
      if (name === 'api') expect((await lockstep(['status'])).stdout).toMatch(/^api\s+up\s+\d+\s+1\s/m);
    });
  }

  it('stops everything on Ctrl-C and lockstep status says the stack is not running', async () => {
    stack.kill('SIGINT');
    await once(stack, 'exit');
    expect(stack.exitCode).toBe(0);
    for (const s of readStackStatus(statusPath(dataDir))!.services) {
      expect(s.state).toBe('down');
    }
    await expect(lockstep(['status'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/is not running/) });
  });
});
