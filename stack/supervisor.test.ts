import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { readStackStatus } from '../config/serviceStatus.ts';
import { ManagedProcess } from './process.ts';
import { Supervisor } from './supervisor.ts';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-supervisor-'));
let supervisor: Supervisor | undefined;
afterEach(() => supervisor?.stop());

function node(name: string, script: string): ManagedProcess {
  return new ManagedProcess({ name, command: process.execPath, args: ['-e', script], logFile: join(dir, `${name}.log`), readyLine: /ready/ });
}
const serving = (name: string) => node(name, 'console.log("ready"); setInterval(() => {}, 1000)');

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function supervise(lines: string[], statusFile: string) {
  supervisor = new Supervisor({ say: (l) => lines.push(l), statusFile, initialBackoffMs: 100, maxBackoffMs: 400, stableAfterMs: 60_000, crashLoop: { exits: 3, windowMs: 60_000 } });
  return supervisor;
}

it('starts a process killed with SIGKILL again, says so once, and records it', async () => {
  const lines: string[] = [];
  const statusFile = join(dir, 'kill.json');
  const s = supervise(lines, statusFile);
  const worker = await serving('worker').start();
  s.watch(worker);
  const firstPid = worker.pid!;
  process.kill(firstPid, 'SIGKILL');
  const restarted = await until(() => readStackStatus(statusFile)?.services.find((x) => x.state === 'up' && x.pid !== firstPid), 'the restart');
  expect(lines).toEqual(['worker exited (signal SIGKILL); restarting in 0.1 s']);
  expect(restarted).toMatchObject({ name: 'worker', restarts: 1, crash_looping: false, last_exit: { signal: 'SIGKILL', code: null } });
  expect(worker.running).toBe(true);
});

it('backs off, doubling to the cap, reports a crash loop loudly and keeps the others up', async () => {
  const lines: string[] = [];
  const statusFile = join(dir, 'loop.json');
  const s = supervise(lines, statusFile);
  const steady = await serving('api').start();
  // Ready, then gone: each start succeeds and each run ends in exit code 3.
  const crasher = await node('listener', 'console.log("ready"); setTimeout(() => process.exit(3), 600)').start();
  s.watch(steady);
  s.watch(crasher);
  await until(() => lines.some((l) => l.includes('crash-looping')), 'the crash-loop report');
  const exits = lines.filter((l) => l.startsWith('listener exited'));
  expect(exits.slice(0, 3)).toEqual([
    'listener exited (exit code 3); restarting in 0.1 s',
    'listener exited (exit code 3); restarting in 0.2 s',
    'listener exited (exit code 3); restarting in 0.4 s',
  ]);
  await until(() => lines.filter((l) => l.startsWith('listener exited')).length >= 4, 'the next exit');
  expect(lines.filter((l) => l.startsWith('listener exited'))[3]).toBe('listener exited (exit code 3); restarting in 0.4 s');
  expect(lines.filter((l) => l.includes('crash-looping'))).toHaveLength(1);
  const status = readStackStatus(statusFile)!;
  expect(status.supervisor_running).toBe(true);
  expect(status.services.find((x) => x.name === 'listener')).toMatchObject({ crash_looping: true, last_exit: { code: 3 } });
  expect(status.services.find((x) => x.name === 'api')).toMatchObject({ state: 'up', restarts: 0, pid: steady.pid });
  expect(lines.some((l) => l.startsWith('api'))).toBe(false);
});

it('keeps doubling the backoff when a process that had been stable fails at every start-up after', async () => {
  const lines: string[] = [];
  const statusFile = join(dir, 'stable.json');
  supervisor = new Supervisor({ say: (l) => lines.push(l), statusFile, initialBackoffMs: 100, maxBackoffMs: 400, stableAfterMs: 300, crashLoop: { exits: 10, windowMs: 60_000 } });
  // Serves the first time; every later start fails before it is ready, as a worker does while Temporal is down.
  const marker = join(dir, 'started-once');
  const flaky = await node('worker', `const fs = require('fs'); if (fs.existsSync(${JSON.stringify(marker)})) process.exit(1); fs.writeFileSync(${JSON.stringify(marker)}, ''); console.log('ready'); setInterval(() => {}, 1000)`).start();
  supervisor.watch(flaky);
  await new Promise((r) => setTimeout(r, 500));
  process.kill(flaky.pid!, 'SIGKILL');
  await until(() => lines.filter((l) => l.startsWith('worker exited')).length >= 4, 'four exits');
  expect(lines.filter((l) => l.startsWith('worker exited')).slice(0, 4)).toEqual([
    'worker exited (signal SIGKILL); restarting in 0.1 s',
    'worker exited (exit code 1); restarting in 0.2 s',
    'worker exited (exit code 1); restarting in 0.4 s',
    'worker exited (exit code 1); restarting in 0.4 s',
  ]);
});

it('restarts nothing once it is stopping, and marks every process down', async () => {
  const lines: string[] = [];
  const statusFile = join(dir, 'stop.json');
  const s = supervise(lines, statusFile);
  const a = await serving('temporal').start();
  const b = await serving('worker').start();
  s.watch(a);
  s.watch(b);
  await s.stop();
  await new Promise((r) => setTimeout(r, 300));
  expect(lines).toEqual([]);
  expect(a.running || b.running).toBe(false);
  expect(readStackStatus(statusFile)!.services.map((x) => x.state)).toEqual(['down', 'down']);
});
