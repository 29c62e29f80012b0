// A child process of the local stack: started, probed until ready, stopped politely
// and then firmly. Output goes to a log file, and to the terminal when `echo` is set.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  echo?: boolean;
  /** Resolves once the process serves; polled until `readyTimeoutMs`. */
  ready?: () => Promise<boolean>;
  /** Alternatively: ready once a line of output matches. */
  readyLine?: RegExp;
  readyTimeoutMs?: number;
  /** Run as another user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
  /** The signal that asks for a clean, prompt shutdown (PostgreSQL: SIGINT). */
  stopSignal?: NodeJS.Signals;
}

/** How a child ended, and whether someone asked it to (stop or kill) or it went by itself. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  requested: boolean;
}

export class ManagedProcess {
  private child?: ChildProcess;
  private log?: WriteStream;
  private exited?: Promise<void>;
  private stopRequested = false;
  private lastExitOf?: Pick<ProcessExit, 'code' | 'signal'>;
  private readonly exitListeners: ((exit: ProcessExit) => void)[] = [];

  constructor(readonly spec: ProcessSpec) {}

  /** Kept beside the log while running, so a start after a killed supervisor can end the orphan. */
  private get pidFile(): string {
    return `${this.spec.logFile}.pid`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Called each time a child of this process ends, however it ends. */
  onExit(listener: (exit: ProcessExit) => void): void {
    this.exitListeners.push(listener);
  }

  /** How the latest child ended, if one has. */
  get lastExit(): Pick<ProcessExit, 'code' | 'signal'> | undefined {
    return this.lastExitOf;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<this> {
    const { spec } = this;
    await stopOrphan(this.pidFile, [spec.command, ...spec.args], spec.stopSignal ?? 'SIGTERM');
    this.stopRequested = false;
    this.log ??= createWriteStream(spec.logFile, { flags: 'a' });
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...spec.user,
    });
    this.child = child;
    let spawnError: Error | undefined;
    child.once('error', (err) => {
      spawnError = err;
    });
    let sawReadyLine = false;
    let tail = ''; // a ready line may arrive split across chunks
    const forward = (chunk: Buffer) => {
      this.log?.write(chunk);
      tail = (tail + chunk.toString()).slice(-4096);
      if (spec.readyLine?.test(tail)) sawReadyLine = true;
      if (spec.echo) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) process.stdout.write(`[${spec.name}] ${line}\n`);
      }
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.lastExitOf = { code, signal };
        resolve();
        for (const listener of this.exitListeners) listener({ code, signal, requested: this.stopRequested });
      }),
    );
    if (child.pid) writeFileSync(this.pidFile, String(child.pid));
    const started = Date.now();
    const timeout = spec.readyTimeoutMs ?? 60_000;
    const ready = spec.ready ?? (spec.readyLine ? async () => sawReadyLine : undefined);
    while (ready) {
      if (spawnError) throw new Error(`${spec.name} could not be started (${spec.command}): ${spawnError.message}`);
      if (!this.running) throw new Error(`${spec.name} exited during start-up (exit ${child.exitCode ?? child.signalCode}); see ${spec.logFile}`);
      if (await ready().catch(() => false)) break;
      if (Date.now() - started > timeout) {
        await this.stop();
        throw new Error(`${spec.name} was not ready after ${timeout / 1000}s; see ${spec.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return this;
  }

  /** The stop signal (SIGTERM unless the spec says otherwise), then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopRequested = true;
    if (!this.child || !this.running) return this.closeLog();
    this.child.kill(this.spec.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    await this.closeLog();
  }

  /** A crash, as a test needs one: no chance to clean up. */
  async kill(): Promise<void> {
    if (!this.child || !this.running) return;
    this.stopRequested = true;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async waitForExit(): Promise<void> {
    await this.exited;
  }

  private closeLog(): Promise<void> {
    rmSync(this.pidFile, { force: true });
    const log = this.log;
    this.log = undefined;
    return new Promise((resolve) => (log ? log.end(resolve) : resolve()));
  }
}

/** Ends a process left running by a supervisor that was killed, if that pid still runs the same command line. */
async function stopOrphan(pidFile: string, argv: string[], signal: NodeJS.Signals): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const alive = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `${argv.join('\0')}\0`;
    } catch {
      return false;
    }
  };
  if (alive()) {
    process.kill(pid, signal);
    for (let i = 0; i < 100 && alive(); i++) await sleep(100);
    if (alive()) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}
